// Group-norm passes over one group's values (the VQ decoder normalises 19 M values per call at 384²): Σx and
// Σ(x − mean)² in double with 16 independent accumulators (a single scalar double chain was latency-bound), and
// the affine output y = x·scale + shift per channel, optionally followed by SiLU while the run is still in cache.
#include <math.h>
#include "ckernels.h"
#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f")))
static double sum_avx512(const float *x, size_t n, double mean, int squares) {
    __m512d a[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
    const __m512d m = _mm512_set1_pd(mean);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int h = 0; h < 4; h++) {
            __m512d d = _mm512_cvtps_pd(_mm256_loadu_ps(x + i + 8 * h));
            if (squares) { d = _mm512_sub_pd(d, m); a[h] = _mm512_fmadd_pd(d, d, a[h]); }
            else a[h] = _mm512_add_pd(a[h], d);
        }
    }
    double s = _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(a[0], a[1]), _mm512_add_pd(a[2], a[3])));
    for (; i < n; i++) { const double d = (double)x[i] - (squares ? mean : 0.0); s += squares ? d * d : d; }
    return s;
}
#endif

static double sum_portable(const float *x, size_t n, double mean, int squares) {
    double a[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int h = 0; h < 4; h++) { const double d = (double)x[i + h] - (squares ? mean : 0.0); a[h] += squares ? d * d : d; }
    double s = (a[0] + a[1]) + (a[2] + a[3]);
    for (; i < n; i++) { const double d = (double)x[i] - (squares ? mean : 0.0); s += squares ? d * d : d; }
    return s;
}

void jk_group_moments(int level, const float *x, size_t n, double *mean, double *variance) {
    if (n == 0) { *mean = 0; *variance = 0; return; }
#if defined(__x86_64__)
    if (level >= 3) {
        *mean = sum_avx512(x, n, 0, 0) / (double)n;
        *variance = sum_avx512(x, n, *mean, 1) / (double)n;
        return;
    }
#endif
    *mean = sum_portable(x, n, 0, 0) / (double)n;
    *variance = sum_portable(x, n, *mean, 1) / (double)n;
}

void jk_scale_shift(int level, const float *x, size_t n, float scale, float shift, int silu, float *y) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] * scale + shift;
    if (silu) jk_silu(level, y, 0, y, n);
}
