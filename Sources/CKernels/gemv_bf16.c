// bf16 weight-streaming GEMV for 1..8 activation rows, the decode hot path.
// A 32-bit lane of bf16 weights holds an even element in its low half and an odd one in its high half:
// `lane << 16` and `lane & 0xFFFF0000` give both as f32 without cross-lane shuffles; the activations are split
// once per call into even and odd halves to match. Each kernel handles R weight rows at a time so that every
// activation load feeds R rows (x stays in L1) and R*M independent accumulator chains hide FMA latency.
// One function per row count M (written out below) keeps all accumulators in registers.
// The reduction order of an output is fixed by (level, K): it never depends on how [n0, n1) is split.
#include <string.h>
#include "ckernels.h"
#if defined(__x86_64__)
#include <immintrin.h>

static inline float bf16f(uint16_t h) { uint32_t b = (uint32_t)h << 16; float f; memcpy(&f, &b, 4); return f; }

__attribute__((target("avx2,fma")))
static inline float hsum8(__m256 v) {
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}
__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m1(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 4 <= n1; n += 4)
        {  // 4 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            const uint16_t *w2 = W + (size_t)(n + 2) * K;
            const uint16_t *w3 = W + (size_t)(n + 3) * K;
            __m512 a0_0 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps();
            __m512 a2_0 = _mm512_setzero_ps();
            __m512 a3_0 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                __m512i v2 = _mm512_loadu_si512((const void *)(w2 + 2 * k));
                __m512 we2 = _mm512_castsi512_ps(_mm512_slli_epi32(v2, 16)), wo2 = _mm512_castsi512_ps(_mm512_and_si512(v2, hi));
                __m512i v3 = _mm512_loadu_si512((const void *)(w3 + 2 * k));
                __m512 we3 = _mm512_castsi512_ps(_mm512_slli_epi32(v3, 16)), wo3 = _mm512_castsi512_ps(_mm512_and_si512(v3, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                  a2_0 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_0));
                  a3_0 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_0));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m2(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 4 <= n1; n += 4)
        {  // 4 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            const uint16_t *w2 = W + (size_t)(n + 2) * K;
            const uint16_t *w3 = W + (size_t)(n + 3) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps(); __m512 a1_1 = _mm512_setzero_ps();
            __m512 a2_0 = _mm512_setzero_ps(); __m512 a2_1 = _mm512_setzero_ps();
            __m512 a3_0 = _mm512_setzero_ps(); __m512 a3_1 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                __m512i v2 = _mm512_loadu_si512((const void *)(w2 + 2 * k));
                __m512 we2 = _mm512_castsi512_ps(_mm512_slli_epi32(v2, 16)), wo2 = _mm512_castsi512_ps(_mm512_and_si512(v2, hi));
                __m512i v3 = _mm512_loadu_si512((const void *)(w3 + 2 * k));
                __m512 we3 = _mm512_castsi512_ps(_mm512_slli_epi32(v3, 16)), wo3 = _mm512_castsi512_ps(_mm512_and_si512(v3, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                  a2_0 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_0));
                  a3_0 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_1));
                  a2_1 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_1));
                  a3_1 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_1));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m3(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 4 <= n1; n += 4)
        {  // 4 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            const uint16_t *w2 = W + (size_t)(n + 2) * K;
            const uint16_t *w3 = W + (size_t)(n + 3) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps(); __m512 a1_1 = _mm512_setzero_ps(); __m512 a1_2 = _mm512_setzero_ps();
            __m512 a2_0 = _mm512_setzero_ps(); __m512 a2_1 = _mm512_setzero_ps(); __m512 a2_2 = _mm512_setzero_ps();
            __m512 a3_0 = _mm512_setzero_ps(); __m512 a3_1 = _mm512_setzero_ps(); __m512 a3_2 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                __m512i v2 = _mm512_loadu_si512((const void *)(w2 + 2 * k));
                __m512 we2 = _mm512_castsi512_ps(_mm512_slli_epi32(v2, 16)), wo2 = _mm512_castsi512_ps(_mm512_and_si512(v2, hi));
                __m512i v3 = _mm512_loadu_si512((const void *)(w3 + 2 * k));
                __m512 we3 = _mm512_castsi512_ps(_mm512_slli_epi32(v3, 16)), wo3 = _mm512_castsi512_ps(_mm512_and_si512(v3, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                  a2_0 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_0));
                  a3_0 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_1));
                  a2_1 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_1));
                  a3_1 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_2));
                  a2_2 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_2));
                  a3_2 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_2));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m4(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 4 <= n1; n += 4)
        {  // 4 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            const uint16_t *w2 = W + (size_t)(n + 2) * K;
            const uint16_t *w3 = W + (size_t)(n + 3) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps(); __m512 a1_1 = _mm512_setzero_ps(); __m512 a1_2 = _mm512_setzero_ps(); __m512 a1_3 = _mm512_setzero_ps();
            __m512 a2_0 = _mm512_setzero_ps(); __m512 a2_1 = _mm512_setzero_ps(); __m512 a2_2 = _mm512_setzero_ps(); __m512 a2_3 = _mm512_setzero_ps();
            __m512 a3_0 = _mm512_setzero_ps(); __m512 a3_1 = _mm512_setzero_ps(); __m512 a3_2 = _mm512_setzero_ps(); __m512 a3_3 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                __m512i v2 = _mm512_loadu_si512((const void *)(w2 + 2 * k));
                __m512 we2 = _mm512_castsi512_ps(_mm512_slli_epi32(v2, 16)), wo2 = _mm512_castsi512_ps(_mm512_and_si512(v2, hi));
                __m512i v3 = _mm512_loadu_si512((const void *)(w3 + 2 * k));
                __m512 we3 = _mm512_castsi512_ps(_mm512_slli_epi32(v3, 16)), wo3 = _mm512_castsi512_ps(_mm512_and_si512(v3, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                  a2_0 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_0));
                  a3_0 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_1));
                  a2_1 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_1));
                  a3_1 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_2));
                  a2_2 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_2));
                  a3_2 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                  a1_3 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_3));
                  a2_3 = _mm512_fmadd_ps(wo2, xo_, _mm512_fmadd_ps(we2, xe_, a2_3));
                  a3_3 = _mm512_fmadd_ps(wo3, xo_, _mm512_fmadd_ps(we3, xe_, a3_3));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a2_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w2[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 2] = s + (bias ? bias[n + 2] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a3_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w3[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 3] = s + (bias ? bias[n + 3] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m5(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps(); __m512 a1_1 = _mm512_setzero_ps(); __m512 a1_2 = _mm512_setzero_ps(); __m512 a1_3 = _mm512_setzero_ps(); __m512 a1_4 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                  a1_3 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                  a1_4 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_4));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m6(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps(); __m512 a0_5 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps(); __m512 a1_1 = _mm512_setzero_ps(); __m512 a1_2 = _mm512_setzero_ps(); __m512 a1_3 = _mm512_setzero_ps(); __m512 a1_4 = _mm512_setzero_ps(); __m512 a1_5 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                  a1_3 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                  a1_4 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_4));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_5));
                  a1_5 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_5));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps(); __m512 a0_5 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_5));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m7(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps(); __m512 a0_5 = _mm512_setzero_ps(); __m512 a0_6 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps(); __m512 a1_1 = _mm512_setzero_ps(); __m512 a1_2 = _mm512_setzero_ps(); __m512 a1_3 = _mm512_setzero_ps(); __m512 a1_4 = _mm512_setzero_ps(); __m512 a1_5 = _mm512_setzero_ps(); __m512 a1_6 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                  a1_3 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                  a1_4 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_4));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_5));
                  a1_5 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_5));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)6 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)6 * xs + k);
                  a0_6 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_6));
                  a1_6 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_6));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps(); __m512 a0_5 = _mm512_setzero_ps(); __m512 a0_6 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_5));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)6 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)6 * xs + k);
                  a0_6 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_6));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx512f,avx512bw,fma")))
static void bf16_z_m8(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps(); __m512 a0_5 = _mm512_setzero_ps(); __m512 a0_6 = _mm512_setzero_ps(); __m512 a0_7 = _mm512_setzero_ps();
            __m512 a1_0 = _mm512_setzero_ps(); __m512 a1_1 = _mm512_setzero_ps(); __m512 a1_2 = _mm512_setzero_ps(); __m512 a1_3 = _mm512_setzero_ps(); __m512 a1_4 = _mm512_setzero_ps(); __m512 a1_5 = _mm512_setzero_ps(); __m512 a1_6 = _mm512_setzero_ps(); __m512 a1_7 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                __m512i v1 = _mm512_loadu_si512((const void *)(w1 + 2 * k));
                __m512 we1 = _mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), wo1 = _mm512_castsi512_ps(_mm512_and_si512(v1, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                  a1_3 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                  a1_4 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_4));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_5));
                  a1_5 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_5));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)6 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)6 * xs + k);
                  a0_6 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_6));
                  a1_6 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_6));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)7 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)7 * xs + k);
                  a0_7 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_7));
                  a1_7 = _mm512_fmadd_ps(wo1, xo_, _mm512_fmadd_ps(we1, xe_, a1_7));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_7);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)7 * ldx + kk];
              y[(size_t)7 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a1_7);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)7 * ldx + kk];
              y[(size_t)7 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m512 a0_0 = _mm512_setzero_ps(); __m512 a0_1 = _mm512_setzero_ps(); __m512 a0_2 = _mm512_setzero_ps(); __m512 a0_3 = _mm512_setzero_ps(); __m512 a0_4 = _mm512_setzero_ps(); __m512 a0_5 = _mm512_setzero_ps(); __m512 a0_6 = _mm512_setzero_ps(); __m512 a0_7 = _mm512_setzero_ps();
            int k = 0;
            for (; k + 16 <= half; k += 16) {
                __m512i v0 = _mm512_loadu_si512((const void *)(w0 + 2 * k));
                __m512 we0 = _mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), wo0 = _mm512_castsi512_ps(_mm512_and_si512(v0, hi));
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_0));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_1));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_2));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_3));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_4));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_5));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)6 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)6 * xs + k);
                  a0_6 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_6));
                }
                { __m512 xe_ = _mm512_loadu_ps(xe + (size_t)7 * xs + k), xo_ = _mm512_loadu_ps(xo + (size_t)7 * xs + k);
                  a0_7 = _mm512_fmadd_ps(wo0, xo_, _mm512_fmadd_ps(we0, xe_, a0_7));
                }
            }
            { float s = _mm512_reduce_add_ps(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = _mm512_reduce_add_ps(a0_7);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)7 * ldx + kk];
              y[(size_t)7 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m1(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m256 a0_0 = _mm256_setzero_ps();
            __m256 a1_0 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                __m256i v1 = _mm256_loadu_si256((const __m256i *)(w1 + 2 * k));
                __m256 we1 = _mm256_castsi256_ps(_mm256_slli_epi32(v1, 16)), wo1 = _mm256_castsi256_ps(_mm256_and_si256(v1, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_0));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m2(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps();
            __m256 a1_0 = _mm256_setzero_ps(); __m256 a1_1 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                __m256i v1 = _mm256_loadu_si256((const __m256i *)(w1 + 2 * k));
                __m256 we1 = _mm256_castsi256_ps(_mm256_slli_epi32(v1, 16)), wo1 = _mm256_castsi256_ps(_mm256_and_si256(v1, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_1));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = hsum8(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m3(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps();
            __m256 a1_0 = _mm256_setzero_ps(); __m256 a1_1 = _mm256_setzero_ps(); __m256 a1_2 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                __m256i v1 = _mm256_loadu_si256((const __m256i *)(w1 + 2 * k));
                __m256 we1 = _mm256_castsi256_ps(_mm256_slli_epi32(v1, 16)), wo1 = _mm256_castsi256_ps(_mm256_and_si256(v1, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_2));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = hsum8(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = hsum8(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m4(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n + 2 <= n1; n += 2)
        {  // 2 weight rows at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            const uint16_t *w1 = W + (size_t)(n + 1) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps(); __m256 a0_3 = _mm256_setzero_ps();
            __m256 a1_0 = _mm256_setzero_ps(); __m256 a1_1 = _mm256_setzero_ps(); __m256 a1_2 = _mm256_setzero_ps(); __m256 a1_3 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                __m256i v1 = _mm256_loadu_si256((const __m256i *)(w1 + 2 * k));
                __m256 we1 = _mm256_castsi256_ps(_mm256_slli_epi32(v1, 16)), wo1 = _mm256_castsi256_ps(_mm256_and_si256(v1, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                  a1_0 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                  a1_1 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                  a1_2 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_2));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_3));
                  a1_3 = _mm256_fmadd_ps(wo1, xo_, _mm256_fmadd_ps(we1, xe_, a1_3));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a1_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = hsum8(a1_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = hsum8(a1_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
            { float s = hsum8(a1_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w1[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 1] = s + (bias ? bias[n + 1] : 0.0f); }
        }
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps(); __m256 a0_3 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_3));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m5(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps(); __m256 a0_3 = _mm256_setzero_ps(); __m256 a0_4 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_3));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_4));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m6(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps(); __m256 a0_3 = _mm256_setzero_ps(); __m256 a0_4 = _mm256_setzero_ps(); __m256 a0_5 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_3));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_4));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_5));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m7(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps(); __m256 a0_3 = _mm256_setzero_ps(); __m256 a0_4 = _mm256_setzero_ps(); __m256 a0_5 = _mm256_setzero_ps(); __m256 a0_6 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_3));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_4));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_5));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)6 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)6 * xs + k);
                  a0_6 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_6));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

__attribute__((target("avx2,fma")))
static void bf16_y_m8(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                        int half, float *y, int ldy, int n0, int n1, const float *bias) {
    const size_t xs = JK_SPLIT_STRIDE(2 * half);
    const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);
    int n = n0;
    for (; n < n1; n++)
        {  // one row at a time
            const uint16_t *w0 = W + (size_t)(n + 0) * K;
            __m256 a0_0 = _mm256_setzero_ps(); __m256 a0_1 = _mm256_setzero_ps(); __m256 a0_2 = _mm256_setzero_ps(); __m256 a0_3 = _mm256_setzero_ps(); __m256 a0_4 = _mm256_setzero_ps(); __m256 a0_5 = _mm256_setzero_ps(); __m256 a0_6 = _mm256_setzero_ps(); __m256 a0_7 = _mm256_setzero_ps();
            int k = 0;
            for (; k + 8 <= half; k += 8) {
                __m256i v0 = _mm256_loadu_si256((const __m256i *)(w0 + 2 * k));
                __m256 we0 = _mm256_castsi256_ps(_mm256_slli_epi32(v0, 16)), wo0 = _mm256_castsi256_ps(_mm256_and_si256(v0, hi));
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)0 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)0 * xs + k);
                  a0_0 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_0));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)1 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)1 * xs + k);
                  a0_1 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_1));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)2 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)2 * xs + k);
                  a0_2 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_2));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)3 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)3 * xs + k);
                  a0_3 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_3));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)4 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)4 * xs + k);
                  a0_4 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_4));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)5 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)5 * xs + k);
                  a0_5 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_5));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)6 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)6 * xs + k);
                  a0_6 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_6));
                }
                { __m256 xe_ = _mm256_loadu_ps(xe + (size_t)7 * xs + k), xo_ = _mm256_loadu_ps(xo + (size_t)7 * xs + k);
                  a0_7 = _mm256_fmadd_ps(wo0, xo_, _mm256_fmadd_ps(we0, xe_, a0_7));
                }
            }
            { float s = hsum8(a0_0);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)0 * ldx + kk];
              y[(size_t)0 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_1);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)1 * ldx + kk];
              y[(size_t)1 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_2);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)2 * ldx + kk];
              y[(size_t)2 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_3);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)3 * ldx + kk];
              y[(size_t)3 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_4);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)4 * ldx + kk];
              y[(size_t)4 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_5);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)5 * ldx + kk];
              y[(size_t)5 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_6);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)6 * ldx + kk];
              y[(size_t)6 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
            { float s = hsum8(a0_7);
              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w0[kk]) * x[(size_t)7 * ldx + kk];
              y[(size_t)7 * ldy + n + 0] = s + (bias ? bias[n + 0] : 0.0f); }
        }
}

typedef void (*bf16_kernel)(const uint16_t *, int, const float *, int, const float *, const float *, int, float *, int,
                            int, int, const float *);
static const bf16_kernel z_kernels[9] = {0, bf16_z_m1, bf16_z_m2, bf16_z_m3, bf16_z_m4, bf16_z_m5, bf16_z_m6, bf16_z_m7, bf16_z_m8};
static const bf16_kernel y_kernels[9] = {0, bf16_y_m1, bf16_y_m2, bf16_y_m3, bf16_y_m4, bf16_y_m5, bf16_y_m6, bf16_y_m7, bf16_y_m8};
#endif

void jk_split_even_odd(const float *x, int ldx, int M, int K, float *xe, float *xo) {
    int half = K / 2;
    size_t xs = JK_SPLIT_STRIDE(K);
    for (int m = 0; m < M; m++)
        for (int k = 0; k < half; k++) {
            xe[(size_t)m * xs + k] = x[(size_t)m * ldx + 2 * k];
            xo[(size_t)m * xs + k] = x[(size_t)m * ldx + 2 * k + 1];
        }
}

int jk_gemv_bf16_split(int level, const uint16_t *W, int K, const float *x, int ldx, int M, const float *xe,
                       const float *xo, float *y, int ldy, int n0, int n1, const float *bias) {
#if defined(__x86_64__)
    if (M >= 1 && M <= 8) {
        if (level >= 3) { z_kernels[M](W, K, x, ldx, xe, xo, K / 2, y, ldy, n0, n1, bias); return 1; }
        if (level >= 2) { y_kernels[M](W, K, x, ldx, xe, xo, K / 2, y, ldy, n0, n1, bias); return 1; }
    }
#endif
    (void)W; (void)K; (void)x; (void)ldx; (void)M; (void)xe; (void)xo; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
    return 0;
}
