#ifndef JANUS_PNGCODEC_H
#define JANUS_PNGCODEC_H
#include <stdint.h>
#include <stddef.h>
/* Placeholder header; the PNG codec shim is written in Formats step. */
int jpng_version(void);
#endif
