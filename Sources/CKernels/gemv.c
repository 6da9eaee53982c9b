// Weight-streaming matrix-vector products for decode (one to eight activation rows).
// Three implementations of the same contract, chosen at run time: AVX-512, AVX2+FMA+F16C, portable C.
#include <string.h>
#include "ckernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define JK_MAX_ROWS 8

static inline float bf16_to_f32(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline float f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, mant = h & 0x3FF, bits;
    if (exp == 0) {
        if (mant == 0) bits = sign;
        else {  // subnormal: normalise
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) { mant <<= 1; exp--; }
            mant &= 0x3FF;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 31) bits = sign | 0x7F800000 | (mant << 13);
    else bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static inline float load_scalar(int wtype, const void *W, size_t i) {
    switch (wtype) {
    case JK_BF16: return bf16_to_f32(((const uint16_t *)W)[i]);
    case JK_F16: return f16_to_f32(((const uint16_t *)W)[i]);
    default: return ((const float *)W)[i];
    }
}

// ---- portable ----------------------------------------------------------------------------------
static void gemv_portable(int wtype, const void *W, int K, const float *x, int ldx, int M,
                          float *y, int ldy, int n0, int n1, const float *bias) {
    for (int n = n0; n < n1; n++) {
        float acc[JK_MAX_ROWS][4] = {{0}};
        size_t row = (size_t)n * K;
        int k = 0;
        for (; k + 4 <= K; k += 4) {
            float w0 = load_scalar(wtype, W, row + k), w1 = load_scalar(wtype, W, row + k + 1);
            float w2 = load_scalar(wtype, W, row + k + 2), w3 = load_scalar(wtype, W, row + k + 3);
            for (int m = 0; m < M; m++) {
                const float *xm = x + (size_t)m * ldx + k;
                acc[m][0] += w0 * xm[0]; acc[m][1] += w1 * xm[1];
                acc[m][2] += w2 * xm[2]; acc[m][3] += w3 * xm[3];
            }
        }
        for (int m = 0; m < M; m++) {
            float s = (acc[m][0] + acc[m][1]) + (acc[m][2] + acc[m][3]);
            for (int kk = k; kk < K; kk++) s += load_scalar(wtype, W, row + kk) * x[(size_t)m * ldx + kk];
            y[(size_t)m * ldy + n] = s + (bias ? bias[n] : 0.0f);
        }
    }
}

#if defined(__x86_64__)
// ---- AVX2 + FMA + F16C ---------------------------------------------------------------------------
__attribute__((target("avx2,fma,f16c")))
static inline __m256 load8_avx2(int wtype, const void *W, size_t i) {
    if (wtype == JK_BF16) {
        __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)W + i));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    } else if (wtype == JK_F16) {
        return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)W + i)));
    }
    return _mm256_loadu_ps((const float *)W + i);
}

__attribute__((target("avx2,fma,f16c")))
static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

__attribute__((target("avx2,fma,f16c"), always_inline))
static inline void gemv_avx2_body(int wtype, const void *W, int K, const float *x, int ldx, const int M,
                                  float *y, int ldy, int n0, int n1, const float *bias) {
    for (int n = n0; n < n1; n++) {
        __m256 acc0[JK_MAX_ROWS], acc1[JK_MAX_ROWS];
        for (int m = 0; m < M; m++) { acc0[m] = _mm256_setzero_ps(); acc1[m] = _mm256_setzero_ps(); }
        size_t row = (size_t)n * K;
        int k = 0;
        for (; k + 16 <= K; k += 16) {
            __m256 w0 = load8_avx2(wtype, W, row + k), w1 = load8_avx2(wtype, W, row + k + 8);
            for (int m = 0; m < M; m++) {
                const float *xm = x + (size_t)m * ldx + k;
                acc0[m] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(xm), acc0[m]);
                acc1[m] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(xm + 8), acc1[m]);
            }
        }
        for (int m = 0; m < M; m++) {
            float s = hsum256(_mm256_add_ps(acc0[m], acc1[m]));
            for (int kk = k; kk < K; kk++) s += load_scalar(wtype, W, row + kk) * x[(size_t)m * ldx + kk];
            y[(size_t)m * ldy + n] = s + (bias ? bias[n] : 0.0f);
        }
    }
}

// ---- AVX-512 -------------------------------------------------------------------------------------
__attribute__((target("avx512f,avx512bw,fma,f16c")))
static inline __m512 load16_avx512(int wtype, const void *W, size_t i) {
    if (wtype == JK_BF16) {
        __m256i h = _mm256_loadu_si256((const __m256i *)((const uint16_t *)W + i));
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    } else if (wtype == JK_F16) {
        return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)W + i)));
    }
    return _mm512_loadu_ps((const float *)W + i);
}

__attribute__((target("avx512f,avx512bw,fma,f16c"), always_inline))
static inline void gemv_avx512_body(int wtype, const void *W, int K, const float *x, int ldx, const int M,
                                    float *y, int ldy, int n0, int n1, const float *bias) {
    for (int n = n0; n < n1; n++) {
        __m512 acc0[JK_MAX_ROWS], acc1[JK_MAX_ROWS];
        for (int m = 0; m < M; m++) { acc0[m] = _mm512_setzero_ps(); acc1[m] = _mm512_setzero_ps(); }
        size_t row = (size_t)n * K;
        int k = 0;
        for (; k + 32 <= K; k += 32) {
            if (wtype != JK_F32) _mm_prefetch((const char *)((const uint16_t *)W + row + k) + 1024, _MM_HINT_T0);
            __m512 w0 = load16_avx512(wtype, W, row + k), w1 = load16_avx512(wtype, W, row + k + 16);
            for (int m = 0; m < M; m++) {
                const float *xm = x + (size_t)m * ldx + k;
                acc0[m] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(xm), acc0[m]);
                acc1[m] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(xm + 16), acc1[m]);
            }
        }
        for (int m = 0; m < M; m++) {
            float s = _mm512_reduce_add_ps(_mm512_add_ps(acc0[m], acc1[m]));
            for (int kk = k; kk < K; kk++) s += load_scalar(wtype, W, row + kk) * x[(size_t)m * ldx + kk];
            y[(size_t)m * ldy + n] = s + (bias ? bias[n] : 0.0f);
        }
    }
}


// One specialisation per (row count, weight type): the loops over M then have constant trip counts and the
// accumulators live in registers instead of on the stack.
#define JK_SPECIALISE(ISA, TARGET)                                                                          \
__attribute__((target(TARGET)))                                                                            \
static void gemv_##ISA(int wtype, const void *W, int K, const float *x, int ldx, int M,                    \
                       float *y, int ldy, int n0, int n1, const float *bias) {                             \
    switch (wtype * 16 + M) {                                                                               \
    case JK_BF16 * 16 + 1: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 1, y, ldy, n0, n1, bias); return;       \
    case JK_BF16 * 16 + 2: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 2, y, ldy, n0, n1, bias); return;       \
    case JK_BF16 * 16 + 3: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 3, y, ldy, n0, n1, bias); return;       \
    case JK_BF16 * 16 + 4: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 4, y, ldy, n0, n1, bias); return;       \
    case JK_BF16 * 16 + 5: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 5, y, ldy, n0, n1, bias); return;       \
    case JK_BF16 * 16 + 6: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 6, y, ldy, n0, n1, bias); return;       \
    case JK_BF16 * 16 + 7: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 7, y, ldy, n0, n1, bias); return;       \
    case JK_BF16 * 16 + 8: gemv_##ISA##_body(JK_BF16, W, K, x, ldx, 8, y, ldy, n0, n1, bias); return;       \
    case JK_F16 * 16 + 1: gemv_##ISA##_body(JK_F16, W, K, x, ldx, 1, y, ldy, n0, n1, bias); return;         \
    case JK_F16 * 16 + 2: gemv_##ISA##_body(JK_F16, W, K, x, ldx, 2, y, ldy, n0, n1, bias); return;         \
    case JK_F32 * 16 + 1: gemv_##ISA##_body(JK_F32, W, K, x, ldx, 1, y, ldy, n0, n1, bias); return;         \
    case JK_F32 * 16 + 2: gemv_##ISA##_body(JK_F32, W, K, x, ldx, 2, y, ldy, n0, n1, bias); return;         \
    default: gemv_##ISA##_body(wtype, W, K, x, ldx, M, y, ldy, n0, n1, bias);                               \
    }                                                                                                       \
}
JK_SPECIALISE(avx2, "avx2,fma,f16c")
JK_SPECIALISE(avx512, "avx512f,avx512bw,fma,f16c")

__attribute__((target("avx512f,avx512bw,fma,f16c")))
static void convert_avx512(int wtype, const void *src, size_t count, float *out) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) _mm512_storeu_ps(out + i, load16_avx512(wtype, src, i));
    for (; i < count; i++) out[i] = load_scalar(wtype, src, i);
}

__attribute__((target("avx2,fma,f16c")))
static void convert_avx2(int wtype, const void *src, size_t count, float *out) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, load8_avx2(wtype, src, i));
    for (; i < count; i++) out[i] = load_scalar(wtype, src, i);
}
#endif

void jk_gemv(int level, int wtype, const void *W, int K, const float *x, int ldx, int M,
             float *y, int ldy, int n0, int n1, const float *bias) {
    while (M > JK_MAX_ROWS) {  // callers keep M small; stay correct anyway
        jk_gemv(level, wtype, W, K, x, ldx, JK_MAX_ROWS, y, ldy, n0, n1, bias);
        x += (size_t)JK_MAX_ROWS * ldx; y += (size_t)JK_MAX_ROWS * ldy; M -= JK_MAX_ROWS;
    }
#if defined(__x86_64__)
    if (level >= 3) { gemv_avx512(wtype, W, K, x, ldx, M, y, ldy, n0, n1, bias); return; }
    if (level >= 2) { gemv_avx2(wtype, W, K, x, ldx, M, y, ldy, n0, n1, bias); return; }
#endif
    gemv_portable(wtype, W, K, x, ldx, M, y, ldy, n0, n1, bias);
}

void jk_to_f32(int level, int wtype, const void *src, size_t count, float *out) {
#if defined(__x86_64__)
    if (level >= 3) { convert_avx512(wtype, src, count, out); return; }
    if (level >= 2) { convert_avx2(wtype, src, count, out); return; }
#endif
    for (size_t i = 0; i < count; i++) out[i] = load_scalar(wtype, src, i);
}

void jk_convert_rows(int level, int wtype, const void *W, int K, int n0, int n1, float *out) {
    size_t elem = wtype == JK_F32 ? 4 : 2;
    jk_to_f32(level, wtype, (const char *)W + (size_t)n0 * K * elem, (size_t)(n1 - n0) * K, out);
}
