// The output side of the shifted-grid convolution kernels (conv_f32.c, conv_bf16.c).
#ifndef JK_CONV_TILE_H
#define JK_CONV_TILE_H
#include <stddef.h>

// A computed block of `ob` output channels × `n` grid positions from position p (channel o's values at
// tile + o·pitch) into out[cout][outH][outW] from channel o0, + bias. Grid position p + i is output (r, c) when
// c < outW (r = (p + i) / wp, c = (p + i) % wp); runs of a row are copied whole.
static inline void jk_conv_store_tile(const float *tile, int pitch, int ob, int o0, int p, int n, int wp, const float *bias,
                                      float *out, int outH, int outW) {
    for (int i = 0; i < n;) {
        const int r = (p + i) / wp, c = (p + i) % wp;
        const int run = wp - c < n - i ? wp - c : n - i;
        if (r < outH && c < outW) {
            const int valid = outW - c < run ? outW - c : run;
            for (int o = 0; o < ob; o++) {
                const float b = bias ? bias[o0 + o] : 0.0f;
                float *dst = out + (size_t)(o0 + o) * outH * outW + (size_t)r * outW + c;
                const float *src = tile + o * pitch + i;
                for (int j = 0; j < valid; j++) dst[j] = src[j] + b;
            }
        }
        i += run;
    }
}
#endif
