// libjpeg(-turbo) behind a setjmp boundary: errors come back as return codes and messages.
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include "jpegcodec.h"

typedef struct {
    struct jpeg_error_mgr base;   // must be first: libjpeg hands us a pointer to it
    jmp_buf jump;
    char *error;
    size_t error_size;
} jjpg_errors;

typedef struct {
    struct jpeg_source_mgr base;  // must be first
    size_t size;
} jjpg_source;

static void on_error(j_common_ptr cinfo) {
    jjpg_errors *e = (jjpg_errors *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, text);
    snprintf(e->error, e->error_size, "%s", text);
    longjmp(e->jump, 1);
}

// Warnings (level -1) mean corrupt data that libjpeg would paper over: they are errors here.
// Trace messages (level >= 0) are ignored and never printed.
static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0) {
        jjpg_errors *e = (jjpg_errors *)cinfo->err;
        char text[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, text);
        snprintf(e->error, e->error_size, "corrupt JPEG data: %s", text);
        longjmp(e->jump, 1);
    }
}

static void init_source(j_decompress_ptr cinfo) { (void)cinfo; }

// The whole file is in memory: asking for more means the file ended early (Pillow: "image file is truncated").
static boolean fill_input_buffer(j_decompress_ptr cinfo) {
    jjpg_errors *e = (jjpg_errors *)cinfo->err;
    jjpg_source *src = (jjpg_source *)cinfo->src;
    snprintf(e->error, e->error_size, "the JPEG is truncated: the data ends at byte %zu before the image is complete",
             src->size);
    longjmp(e->jump, 1);
    return FALSE;
}

static void skip_input_data(j_decompress_ptr cinfo, long count) {
    struct jpeg_source_mgr *src = cinfo->src;
    if (count <= 0) return;
    if ((size_t)count > src->bytes_in_buffer) {
        src->next_input_byte += src->bytes_in_buffer;
        src->bytes_in_buffer = 0;
        fill_input_buffer(cinfo);
    }
    src->next_input_byte += count;
    src->bytes_in_buffer -= (size_t)count;
}

static void term_source(j_decompress_ptr cinfo) { (void)cinfo; }

static inline uint8_t clip8(int v) { return v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)v; }
// Pillow's MULDIV255 (libImaging/ImagingUtils.h).
static inline int muldiv255(int a, int b) { int tmp = a * b + 128; return ((tmp >> 8) + tmp) >> 8; }

int jjpg_decode(const uint8_t *data, size_t size, uint64_t max_pixels, jjpg_image *out, char *error, size_t error_size) {
    memset(out, 0, sizeof *out);
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        snprintf(error, error_size, "not a JPEG file (bad signature)");
        return 1;
    }
    struct jpeg_decompress_struct cinfo;
    jjpg_errors errors;
    jjpg_source source;
    uint8_t *volatile rgb = NULL;
    uint8_t *volatile row = NULL;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = on_error;
    errors.base.emit_message = on_message;
    errors.error = error; errors.error_size = error_size;
    if (setjmp(errors.jump)) {
        free(rgb); free(row);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    memset(&source, 0, sizeof source);
    source.base.init_source = init_source;
    source.base.fill_input_buffer = fill_input_buffer;
    source.base.skip_input_data = skip_input_data;
    source.base.resync_to_restart = jpeg_resync_to_restart;
    source.base.term_source = term_source;
    source.base.next_input_byte = data;
    source.base.bytes_in_buffer = size;
    source.size = size;
    cinfo.src = &source.base;

    jpeg_read_header(&cinfo, TRUE);
    out->components = cinfo.num_components;
    out->jpeg_color_space = cinfo.jpeg_color_space;
    out->progressive = cinfo.progressive_mode;
    out->adobe = cinfo.saw_Adobe_marker;
    if (cinfo.data_precision != 8) {
        snprintf(error, error_size, "%d-bit JPEG samples are not supported (only 8-bit)", cinfo.data_precision);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    if (cinfo.image_width == 0 || cinfo.image_height == 0) {
        snprintf(error, error_size, "zero image size (%ux%u)", cinfo.image_width, cinfo.image_height);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    uint64_t pixels = (uint64_t)cinfo.image_width * cinfo.image_height;
    if (pixels > max_pixels) {
        snprintf(error, error_size, "image of %ux%u = %llu pixels exceeds the limit of %llu pixels (decompression bomb)",
                 cinfo.image_width, cinfo.image_height, (unsigned long long)pixels, (unsigned long long)max_pixels);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    int cmyk = 0;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK: case JCS_YCCK: cinfo.out_color_space = JCS_CMYK; cmyk = 1; break;
    case JCS_YCbCr: case JCS_RGB: cinfo.out_color_space = JCS_RGB; break;
    default:
        snprintf(error, error_size, "unsupported JPEG colour space %d with %d components", cinfo.jpeg_color_space,
                 cinfo.num_components);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_fancy_upsampling = TRUE;
    jpeg_start_decompress(&cinfo);
    const size_t width = cinfo.output_width, height = cinfo.output_height;
    const int channels = cinfo.output_components;
    rgb = malloc(width * height * 3);
    row = malloc(width * (size_t)channels);
    if (!rgb || !row) {
        snprintf(error, error_size, "out of memory for %zux%zu pixels", width, height);
        longjmp(errors.jump, 1);
    }
    while (cinfo.output_scanline < height) {
        size_t y = cinfo.output_scanline;
        JSAMPROW rows[1] = { row };
        if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) {
            snprintf(error, error_size, "libjpeg returned no scanline at row %zu", y);
            longjmp(errors.jump, 1);
        }
        uint8_t *dst = rgb + y * width * 3;
        if (channels == 1) {
            for (size_t x = 0; x < width; x++) { dst[3*x] = dst[3*x+1] = dst[3*x+2] = row[x]; }
        } else if (cmyk) {
            // Pillow: rawmode "CMYK;I" inverts what libjpeg returns, then cmyk2rgb (libImaging/Convert.c).
            for (size_t x = 0; x < width; x++) {
                const uint8_t *s = row + 4 * x;
                int c = 255 - s[0], m = 255 - s[1], yy = 255 - s[2], k = 255 - s[3];
                int nk = 255 - k;
                dst[3*x]   = clip8(nk - muldiv255(c, nk));
                dst[3*x+1] = clip8(nk - muldiv255(m, nk));
                dst[3*x+2] = clip8(nk - muldiv255(yy, nk));
            }
        } else {
            memcpy(dst, row, width * 3);
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    out->pixels = rgb;
    out->width = (uint32_t)width;
    out->height = (uint32_t)height;
    return 0;
}

void jjpg_free(void *p) { free(p); }
