#ifndef JANUS_PNGCODEC_H
#define JANUS_PNGCODEC_H
#include <stdint.h>
#include <stddef.h>

/// Decoded image: 8-bit RGB, interleaved, width*height*3 bytes (caller frees with jpng_free).
typedef struct {
    uint8_t *pixels;
    uint32_t width, height;
    /// The file's colour type and bit depth as libpng reports them (for messages and tests).
    int color_type, bit_depth, interlaced;
} jpng_image;

/// Decodes PNG bytes into RGB8, matching Pillow's Image.open(...).convert("RGB"): alpha is dropped without
/// compositing, palettes are expanded (transparency ignored), low bit depths scaled, 16-bit samples reduced to
/// their high byte; 16-bit grey follows Pillow's "I;16" → "RGB" path (values above 255 clip to 255).
/// Returns 0 on success; otherwise writes a message (NUL-terminated) into `error` and returns non-zero.
/// libpng's longjmp error path is caught here, never in the caller.
int jpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels, jpng_image *out, char *error, size_t error_size);

/// Encodes RGB8 pixels as PNG. On success *out and *out_size hold a malloc'd buffer (free with jpng_free).
int jpng_encode_rgb(const uint8_t *pixels, uint32_t width, uint32_t height, uint8_t **out, size_t *out_size,
                    char *error, size_t error_size);

void jpng_free(void *p);
#endif
