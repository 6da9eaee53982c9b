// A plain streaming read (sum of floats) at the widest SIMD level: the read-bandwidth denominator the benchmarks
// compare the weight-streaming kernels against. Eight independent accumulators so add latency never limits it.
#include "ckernels.h"
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static float sum_avx512(const float *p, size_t n) {
    __m512 a[8];
    for (int j = 0; j < 8; j++) a[j] = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 128 <= n; i += 128)
        for (int j = 0; j < 8; j++) a[j] = _mm512_add_ps(a[j], _mm512_loadu_ps(p + i + 16 * j));
    for (int j = 1; j < 8; j++) a[0] = _mm512_add_ps(a[0], a[j]);
    float s = _mm512_reduce_add_ps(a[0]);
    for (; i < n; i++) s += p[i];
    return s;
}

__attribute__((target("avx2")))
static float sum_avx2(const float *p, size_t n) {
    __m256 a[8];
    for (int j = 0; j < 8; j++) a[j] = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 64 <= n; i += 64)
        for (int j = 0; j < 8; j++) a[j] = _mm256_add_ps(a[j], _mm256_loadu_ps(p + i + 8 * j));
    for (int j = 1; j < 8; j++) a[0] = _mm256_add_ps(a[0], a[j]);
    float out[8], s = 0;
    _mm256_storeu_ps(out, a[0]);
    for (int j = 0; j < 8; j++) s += out[j];
    for (; i < n; i++) s += p[i];
    return s;
}
#endif

float jk_read_sum(int level, const float *p, size_t n) {
#if defined(__x86_64__)
    if (level >= 3) return sum_avx512(p, n);
    if (level >= 2) return sum_avx2(p, n);
#endif
    float a[8] = {0}, s = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) a[j] += p[i + j];
    for (int j = 0; j < 8; j++) s += a[j];
    for (; i < n; i++) s += p[i];
    return s;
}
