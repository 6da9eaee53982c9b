#ifndef JANUS_JPEGCODEC_H
#define JANUS_JPEGCODEC_H
#include <stdint.h>
#include <stddef.h>

/// Decoded image: 8-bit RGB, interleaved, width*height*3 bytes (caller frees with jjpg_free).
typedef struct {
    uint8_t *pixels;
    uint32_t width, height;
    /// What the file holds, as libjpeg reports it (for messages and tests): components, J_COLOR_SPACE of the
    /// file, progressive flag, and whether an Adobe marker was present.
    int components, jpeg_color_space, progressive, adobe;
} jjpg_image;

/// Decodes JPEG bytes into RGB8 the way Pillow's Image.open(...).convert("RGB") does (libjpeg defaults: accurate
/// integer IDCT, fancy upsampling): grey is replicated, CMYK/YCCK are read as CMYK, treated as Adobe-inverted
/// (Pillow's rawmode "CMYK;I") and converted with Pillow's cmyk2rgb formula. EXIF orientation is NOT applied.
/// Images with more than `max_pixels` pixels are refused after the header, before any pixel memory is allocated.
/// Truncated data and every libjpeg warning (corrupt data) are errors.
/// Returns 0 on success; otherwise writes a NUL-terminated message into `error` and returns non-zero.
/// libjpeg's longjmp error path is caught here, never in the caller.
int jjpg_decode(const uint8_t *data, size_t size, uint64_t max_pixels, jjpg_image *out, char *error, size_t error_size);

void jjpg_free(void *p);
#endif
