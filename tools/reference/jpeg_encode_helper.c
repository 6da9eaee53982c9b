// Writes JPEG variants Pillow cannot write (4:4:0, YCCK, arithmetic coding, RGB colour space) with the system
// libjpeg-turbo, for make_jpeg_fixtures.py. Usage:
//   jpeg_encode_helper W H IN_COMPONENTS(3|4) JPEG_SPACE(ycc|rgb|ycck|cmyk) H0 V0 QUALITY ARITH(0|1) PROGRESSIVE(0|1) < raw > out.jpg
// The raw input is W*H*IN_COMPONENTS bytes (RGB, or CMYK as libjpeg takes it: Adobe-inverted).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

int main(int argc, char **argv) {
    if (argc != 10) { fprintf(stderr, "usage: see source\n"); return 2; }
    int w = atoi(argv[1]), h = atoi(argv[2]), n = atoi(argv[3]);
    const char *space = argv[4];
    int h0 = atoi(argv[5]), v0 = atoi(argv[6]), quality = atoi(argv[7]), arith = atoi(argv[8]), prog = atoi(argv[9]);
    size_t size = (size_t)w * h * n;
    unsigned char *raw = malloc(size);
    if (fread(raw, 1, size, stdin) != size) { fprintf(stderr, "short input\n"); return 1; }
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, stdout);
    c.image_width = w; c.image_height = h; c.input_components = n;
    c.in_color_space = n == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&c);
    if (!strcmp(space, "rgb")) jpeg_set_colorspace(&c, JCS_RGB);
    else if (!strcmp(space, "ycck")) jpeg_set_colorspace(&c, JCS_YCCK);
    else if (!strcmp(space, "cmyk")) jpeg_set_colorspace(&c, JCS_CMYK);
    jpeg_set_quality(&c, quality, TRUE);
    c.comp_info[0].h_samp_factor = h0; c.comp_info[0].v_samp_factor = v0;
    for (int i = 1; i < c.num_components; i++) { c.comp_info[i].h_samp_factor = 1; c.comp_info[i].v_samp_factor = 1; }
    if (n == 4 && c.num_components == 4) { c.comp_info[3].h_samp_factor = h0; c.comp_info[3].v_samp_factor = v0; }
    c.arith_code = arith ? TRUE : FALSE;
    if (prog) jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = raw + (size_t)c.next_scanline * w * n;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(raw);
    return 0;
}
