// bf16 × bf16 products with f32 accumulation (AVX512_BF16 VDPBF16PS), for the opt-in bf16 precision mode: the
// activations are rounded to bf16 first, as the official code's bf16 run does, and each instruction then does 32
// multiply-adds where an f32 FMA does 16. Same blocking as the f32 guidance kernels: groups of 16 weight rows, each
// streamed once and re-read from cache by passes of up to 4 activation rows, 4 weight rows at a time.
#include <string.h>
#include "ckernels.h"
#if defined(__x86_64__)
#include <immintrin.h>

static inline float bf16_value(uint16_t h) { uint32_t b = (uint32_t)h << 16; float f; memcpy(&f, &b, 4); return f; }

// Weight rows [n0, n1) × activation rows m0 .. m0+MR-1; R weight rows per block (4, then 1 for the tail).
__attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline))
static inline void dot_block(const uint16_t *W, int K, const uint16_t *x, int MR, float *y, int ldy, int n, int R,
                             const float *bias) {
    __m512 acc[4][4];
    for (int r = 0; r < R; r++) for (int m = 0; m < MR; m++) acc[r][m] = _mm512_setzero_ps();
    int k = 0;
    for (; k + 32 <= K; k += 32) {
        __m512bh w[4];
        for (int r = 0; r < R; r++) w[r] = (__m512bh)_mm512_loadu_si512((const void *)(W + (size_t)(n + r) * K + k));
        for (int m = 0; m < MR; m++) {
            const __m512bh xv = (__m512bh)_mm512_loadu_si512((const void *)(x + (size_t)m * K + k));
            for (int r = 0; r < R; r++) acc[r][m] = _mm512_dpbf16_ps(acc[r][m], w[r], xv);
        }
    }
    for (int r = 0; r < R; r++)
        for (int m = 0; m < MR; m++) {
            float s = _mm512_reduce_add_ps(acc[r][m]);
            for (int kk = k; kk < K; kk++) s += bf16_value(W[(size_t)(n + r) * K + kk]) * bf16_value(x[(size_t)m * K + kk]);
            y[(size_t)m * ldy + n + r] = s + (bias ? bias[n + r] : 0.0f);
        }
}

#define DOT_PASS(MR)                                                                                              \
    __attribute__((target("avx512f,avx512bw,avx512bf16")))                                                         \
    static void dot_pass_##MR(const uint16_t *W, int K, const uint16_t *x, float *y, int ldy, int g0, int g1,     \
                              const float *bias) {                                                                 \
        int n = g0;                                                                                                \
        for (; n + 4 <= g1; n += 4) dot_block(W, K, x, MR, y, ldy, n, 4, bias);                                    \
        for (; n < g1; n++) dot_block(W, K, x, MR, y, ldy, n, 1, bias);                                            \
    }
DOT_PASS(1)
DOT_PASS(2)
DOT_PASS(3)
DOT_PASS(4)
#endif

int jk_gemv_bf16_dot(const uint16_t *W, int K, const uint16_t *xb, int M, float *y, int ldy, int n0, int n1,
                     const float *bias) {
#if defined(__x86_64__)
    if (!jk_cpu_has_bf16_dot()) return 0;
    for (int g = n0; g < n1; g += 16) {
        const int g1 = g + 16 < n1 ? g + 16 : n1;
        for (int m = 0; m < M; m += 4) {
            const int rows = M - m < 4 ? M - m : 4;
            const uint16_t *x = xb + (size_t)m * K;
            float *ym = y + (size_t)m * ldy;
            switch (rows) {
            case 1: dot_pass_1(W, K, x, ym, ldy, g, g1, bias); break;
            case 2: dot_pass_2(W, K, x, ym, ldy, g, g1, bias); break;
            case 3: dot_pass_3(W, K, x, ym, ldy, g, g1, bias); break;
            default: dot_pass_4(W, K, x, ym, ldy, g, g1, bias); break;
            }
        }
    }
    return 1;
#else
    (void)W; (void)K; (void)xb; (void)M; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
    return 0;
#endif
}
