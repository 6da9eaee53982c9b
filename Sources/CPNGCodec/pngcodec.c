#include <png.h>
#include "pngcodec.h"
int jpng_version(void) { return (int)png_access_version_number(); }
