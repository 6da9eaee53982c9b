// libpng behind a setjmp boundary: errors come back as return codes and messages.
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pngcodec.h"

typedef struct {
    jmp_buf jump;
    char *error;
    size_t error_size;
    const uint8_t *data;
    size_t size, offset;
    uint8_t *out;
    size_t out_size, out_capacity;
    int out_failed;
} jpng_io;

static void on_error(png_structp png, png_const_charp message) {
    jpng_io *io = (jpng_io *)png_get_error_ptr(png);
    snprintf(io->error, io->error_size, "%s", message);
    longjmp(io->jump, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png; (void)message;  // warnings (e.g. unknown chunks) are not errors; keep stderr quiet
}

static void read_bytes(png_structp png, png_bytep dest, png_size_t length) {
    jpng_io *io = (jpng_io *)png_get_io_ptr(png);
    if (length > io->size - io->offset) {
        png_error(png, "unexpected end of file (the PNG is truncated)");
    }
    memcpy(dest, io->data + io->offset, length);
    io->offset += length;
}

int jpng_decode(const uint8_t *data, size_t size, uint64_t max_pixels, jpng_image *out, char *error, size_t error_size) {
    memset(out, 0, sizeof *out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, error_size, "not a PNG file (bad signature)");
        return 1;
    }
    jpng_io io = {0};
    io.error = error; io.error_size = error_size; io.data = data; io.size = size;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &io, on_error, on_warning);
    if (!png) { snprintf(error, error_size, "libpng could not start"); return 1; }
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile rgb = NULL;
    png_bytep *volatile rows = NULL;
    uint16_t *volatile wide = NULL;
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); snprintf(error, error_size, "libpng could not start"); return 1; }
    if (setjmp(io.jump)) {
        free(rgb); free(rows); free(wide);
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    png_set_read_fn(png, &io, read_bytes);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    int color = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
    out->color_type = color; out->bit_depth = depth;
    out->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    if (width == 0 || height == 0) png_error(png, "image has zero width or height");
    if ((uint64_t)width * height > max_pixels) {
        snprintf(error, error_size, "image is %ux%u pixels, more than the limit of %llu", width, height,
                 (unsigned long long)max_pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    int gray16 = color == PNG_COLOR_TYPE_GRAY && depth == 16;  // grey+alpha 16 opens as "LA" (high byte) in Pillow
    // Pillow's convert("RGB") ignores tRNS and alpha: we never expand tRNS and strip alpha channels.
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if ((color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if ((color & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS)) png_set_strip_alpha(png);
    if (gray16) {
        png_set_swap(png);  // host-order 16-bit samples; clipped below as Pillow's I;16 → L does
    } else {
        png_set_strip_16(png);  // high byte, as Pillow's 16-bit RGB(A) decoder keeps
        if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    size_t channels = png_get_channels(png, info);
    uint8_t *buffer = malloc(rowbytes * height);
    rows = malloc(sizeof(png_bytep) * height);
    if (!buffer || !rows) { free(buffer); png_error(png, "out of memory"); }
    if (gray16) wide = (uint16_t *)buffer; else rgb = buffer;
    for (png_uint_32 y = 0; y < height; y++) rows[y] = buffer + y * rowbytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    if (gray16) {
        rgb = malloc((size_t)width * height * 3);
        if (!rgb) png_error(png, "out of memory");
        for (size_t i = 0; i < (size_t)width * height; i++) {
            uint16_t v = wide[i * channels];
            uint8_t g = v > 255 ? 255 : (uint8_t)v;
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = g;
        }
        free(wide); wide = NULL;
    } else if (channels != 3) {
        png_error(png, "unexpected channel layout after conversion");
    }
    free(rows); rows = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    out->pixels = rgb; out->width = width; out->height = height;
    return 0;
}

static void write_bytes(png_structp png, png_bytep data, png_size_t length) {
    jpng_io *io = (jpng_io *)png_get_io_ptr(png);
    if (io->out_size + length > io->out_capacity) {
        size_t capacity = io->out_capacity ? io->out_capacity : 65536;
        while (capacity < io->out_size + length) capacity *= 2;
        uint8_t *grown = realloc(io->out, capacity);
        if (!grown) png_error(png, "out of memory");
        io->out = grown; io->out_capacity = capacity;
    }
    memcpy(io->out + io->out_size, data, length);
    io->out_size += length;
}

static void flush_bytes(png_structp png) { (void)png; }

int jpng_encode_rgb(const uint8_t *pixels, uint32_t width, uint32_t height, uint8_t **out, size_t *out_size,
                    char *error, size_t error_size) {
    *out = NULL; *out_size = 0;
    if (width == 0 || height == 0) { snprintf(error, error_size, "cannot write an empty image"); return 1; }
    jpng_io io = {0};
    io.error = error; io.error_size = error_size;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &io, on_error, on_warning);
    if (!png) { snprintf(error, error_size, "libpng could not start"); return 1; }
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(io.jump)) {
        free(io.out);
        png_destroy_write_struct(&png, &info);
        if (!info) snprintf(error, error_size, "libpng could not start");
        return 1;
    }
    png_set_write_fn(png, &io, write_bytes, flush_bytes);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(pixels + (size_t)y * width * 3));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = io.out; *out_size = io.out_size;
    return 0;
}

void jpng_free(void *p) { free(p); }
