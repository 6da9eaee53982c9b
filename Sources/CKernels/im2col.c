// The channel-major convolution's per-tile work around its sgemm (Tensors/ChannelMajorKernels.swift): the im2col of
// one tile of output columns, and the bias + ReLU epilogue. Both are copies and one add per value, so the results are
// the same bit for bit at every SIMD level; the AVX-512 level is the same C compiled with 16-wide vectors.
#include "ckernels.h"

static inline __attribute__((always_inline)) int ceil_div(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// Outputs q of a run of `run` outputs from ox0 read input column ix = (ox0 + q)·sw − pw + j: inside the row
// (0 <= ix < w) for q in lo ..< hi, clamped to the run.
static inline __attribute__((always_inline)) void inside_span(int w, int sw, int pw, int j, int ox0, int run, int *lo, int *hi) {
    int a = ceil_div(pw - j, sw) - ox0, b = ceil_div(w + pw - j, sw) - ox0;
    if (a < 0) a = 0;
    if (a > run) a = run;
    if (b > run) b = run;
    if (b < a) b = a;
    *lo = a; *hi = b;
}

static inline __attribute__((always_inline))
void im2col_tile(const float *src, int cin, int batch, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                 int oh, int ow, long p0, int n, float *dst) {
    const long plane = (long)oh * ow;
    long image = p0 / plane;
    int oy = (int)((p0 % plane) / ow), ox0 = (int)((p0 % plane) % ow);
    // One output-row segment of the tile at a time (columns k ..< k + run), every row (c, i, j) of it.
    for (int k = 0; k < n;) {
        const int run = ow - ox0 < n - k ? ow - ox0 : n - k;
        for (int j = 0; j < kw; j++) {
            int lo, hi;
            inside_span(w, sw, pw, j, ox0, run, &lo, &hi);
            const long offset = (long)ox0 * sw - pw + j;
            for (int c = 0; c < cin; c++) {
                const float *channel = src + (long)(c * batch + image) * h * w;
                for (int i = 0; i < kh; i++) {
                    float *restrict row = dst + ((long)(c * kh + i) * kw + j) * n + k;
                    const int iy = oy * sh - ph + i;
                    if (iy < 0 || iy >= h) {
                        for (int q = 0; q < run; q++) row[q] = 0;
                        continue;
                    }
                    const float *restrict line = channel + (long)iy * w + offset;
                    for (int q = 0; q < lo; q++) row[q] = 0;
                    if (sw == 1) for (int q = lo; q < hi; q++) row[q] = line[q];
                    else if (sw == 2) for (int q = lo; q < hi; q++) row[q] = line[2 * q];
                    else for (int q = lo; q < hi; q++) row[q] = line[(long)q * sw];
                    for (int q = hi; q < run; q++) row[q] = 0;
                }
            }
        }
        k += run;
        ox0 = 0;
        if (++oy == oh) { oy = 0; image++; }
    }
}

// c[o][q] + bias[o], then (relu) Swift's max(x, 0): 0 when 0 >= x (so −0 becomes +0), else x (NaN stays).
static inline __attribute__((always_inline))
void bias_act(float *c, long ldc, int rows, int n, const float *bias, int relu) {
    for (int o = 0; o < rows; o++) {
        float *restrict r = c + (long)o * ldc;
        const float v = bias[o];
        if (relu) for (int q = 0; q < n; q++) { const float x = r[q] + v; r[q] = 0.0f >= x ? 0.0f : x; }
        else for (int q = 0; q < n; q++) r[q] += v;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Output rows of at most this many 16-wide chunks go through the masked path (Inception's widest is 149).
#define IM2COL_CHUNKS 12

// The AVX-512 im2col: per output-row segment and tap column j, the masks of the 16-wide chunks are computed once —
// which lanes read the input row (lo ..< hi) and which lanes the segment has (run) — and every (c, i) row is then a
// masked load (zero where masked out, never touching memory there) and a masked store per chunk. Stride 2 loads the
// 32 input values of a chunk and keeps the even ones with a permute. Other strides and wider rows: the portable code.
__attribute__((target("avx512f,avx512bw,avx512vl")))
static void im2col_avx512(const float *src, int cin, int batch, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                          int oh, int ow, long p0, int n, float *dst) {
    if ((sw != 1 && sw != 2) || ow > 16 * IM2COL_CHUNKS) {
        im2col_tile(src, cin, batch, h, w, kh, kw, sh, sw, ph, pw, oh, ow, p0, n, dst);
        return;
    }
    const long plane = (long)oh * ow;
    long image = p0 / plane;
    int oy = (int)((p0 % plane) / ow), ox0 = (int)((p0 % plane) % ow);
    const __m512i evens = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    __mmask16 valid[IM2COL_CHUNKS], lanes[IM2COL_CHUNKS], loadLo[IM2COL_CHUNKS], loadHi[IM2COL_CHUNKS];
    for (int k = 0; k < n;) {
        const int run = ow - ox0 < n - k ? ow - ox0 : n - k;
        const int chunks = (run + 15) / 16;
        for (int ch = 0; ch < chunks; ch++) {
            const int left = run - 16 * ch;
            lanes[ch] = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        }
        for (int j = 0; j < kw; j++) {
            int lo, hi;
            inside_span(w, sw, pw, j, ox0, run, &lo, &hi);
            for (int ch = 0; ch < chunks; ch++) {
                // Lanes q = 16·ch + l with lo <= q < hi read the input.
                unsigned m = 0;
                for (int l = 0; l < 16; l++) { const int q = 16 * ch + l; if (q >= lo && q < hi) m |= 1u << l; }
                valid[ch] = (__mmask16)m;
                if (sw == 2) {
                    // Lane l reads input value 2l of the chunk's 32: the first 16 hold lanes 0–7, the next 16 lanes 8–15.
                    unsigned a = 0, b = 0;
                    for (int l = 0; l < 8; l++) if (m >> l & 1) a |= 1u << (2 * l);
                    for (int l = 8; l < 16; l++) if (m >> l & 1) b |= 1u << (2 * (l - 8));
                    loadLo[ch] = (__mmask16)a; loadHi[ch] = (__mmask16)b;
                }
            }
            const long offset = (long)ox0 * sw - pw + j;
            for (int c = 0; c < cin; c++) {
                const float *channel = src + (long)(c * batch + image) * h * w;
                for (int i = 0; i < kh; i++) {
                    float *row = dst + ((long)(c * kh + i) * kw + j) * n + k;
                    const int iy = oy * sh - ph + i;
                    if (iy < 0 || iy >= h) {
                        for (int ch = 0; ch < chunks; ch++) _mm512_mask_storeu_ps(row + 16 * ch, lanes[ch], _mm512_setzero_ps());
                        continue;
                    }
                    // The input row shifted so that lane q reads line[q·sw]; masked-out lanes are never read.
                    const float *line = channel + (long)iy * w + offset;
                    if (sw == 1) {
                        for (int ch = 0; ch < chunks; ch++)
                            _mm512_mask_storeu_ps(row + 16 * ch, lanes[ch], _mm512_maskz_loadu_ps(valid[ch], line + 16 * ch));
                    } else {
                        for (int ch = 0; ch < chunks; ch++) {
                            const __m512 a = _mm512_maskz_loadu_ps(loadLo[ch], line + 32 * ch);
                            const __m512 b = _mm512_maskz_loadu_ps(loadHi[ch], line + 32 * ch + 16);
                            _mm512_mask_storeu_ps(row + 16 * ch, lanes[ch], _mm512_maskz_permutex2var_ps(valid[ch], a, evens, b));
                        }
                    }
                }
            }
        }
        k += run;
        ox0 = 0;
        if (++oy == oh) { oy = 0; image++; }
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl")))
static void bias_act_avx512(float *c, long ldc, int rows, int n, const float *bias, int relu) { bias_act(c, ldc, rows, n, bias, relu); }
#endif

static void im2col_portable(const float *src, int cin, int batch, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                            int oh, int ow, long p0, int n, float *dst) {
    im2col_tile(src, cin, batch, h, w, kh, kw, sh, sw, ph, pw, oh, ow, p0, n, dst);
}

static void bias_act_portable(float *c, long ldc, int rows, int n, const float *bias, int relu) { bias_act(c, ldc, rows, n, bias, relu); }

void jk_im2col_channel_major(int level, const float *src, int cin, int batch, int h, int w, int kh, int kw, int sh, int sw,
                             int ph, int pw, int oh, int ow, long p0, int n, float *dst) {
#if defined(__x86_64__)
    if (level >= 3) { im2col_avx512(src, cin, batch, h, w, kh, kw, sh, sw, ph, pw, oh, ow, p0, n, dst); return; }
#endif
    im2col_portable(src, cin, batch, h, w, kh, kw, sh, sw, ph, pw, oh, ow, p0, n, dst);
}

void jk_bias_activation_rows(int level, float *c, long ldc, int rows, int n, const float *bias, int relu) {
#if defined(__x86_64__)
    if (level >= 3) { bias_act_avx512(c, ldc, rows, n, bias, relu); return; }
#endif
    bias_act_portable(c, ldc, rows, n, bias, relu);
}
