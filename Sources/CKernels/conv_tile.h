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

#if defined(__x86_64__)
#include <immintrin.h>
// 8 rows of 8 floats → their transpose (r[j] becomes column j).
__attribute__((target("avx2"), always_inline))
static inline void jk_transpose8x8(__m256 r[8]) {
    __m256 t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int h = 0; h < 2; h++) {   // rows 0–3, then 4–7
        __m256 *a = t + 4 * h, *b = u + 4 * h;
        b[0] = _mm256_shuffle_ps(a[0], a[2], 0x44);
        b[1] = _mm256_shuffle_ps(a[0], a[2], 0xEE);
        b[2] = _mm256_shuffle_ps(a[1], a[3], 0x44);
        b[3] = _mm256_shuffle_ps(a[1], a[3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

// A computed block of `ob` ≤ 8 output channels × `n` positions (channel o's values at tile + o·pitch) into token
// rows: out[i·ld + o0 + o] = tile[o·pitch + i] + bias[o0 + o] (+ 0 without a bias, as jk_conv_store_tile adds, so
// the bits are the same as storing channel-major and transposing). Full 8 × 8 squares go through registers.
__attribute__((target("avx2"), unused))
static void jk_conv_store_tile_rows(const float *tile, int pitch, int ob, int o0, int n, const float *bias, float *out,
                                    size_t ld) {
    int i0 = 0;
    if (ob == 8) {
        const __m256 b = bias ? _mm256_loadu_ps(bias + o0) : _mm256_setzero_ps();
        for (; i0 + 8 <= n; i0 += 8) {
            __m256 r[8];
            for (int o = 0; o < 8; o++) r[o] = _mm256_loadu_ps(tile + o * pitch + i0);
            jk_transpose8x8(r);
            for (int j = 0; j < 8; j++) _mm256_storeu_ps(out + (size_t)(i0 + j) * ld + o0, _mm256_add_ps(r[j], b));
        }
    }
    for (int i = i0; i < n; i++)
        for (int o = 0; o < ob; o++) out[(size_t)i * ld + o0 + o] = tile[o * pitch + i] + (bias ? bias[o0 + o] : 0.0f);
}
#endif
#endif
