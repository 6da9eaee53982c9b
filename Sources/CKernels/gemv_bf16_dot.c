// bf16 × bf16 products with f32 accumulation (AVX512_BF16 VDPBF16PS), for the opt-in bf16 precision mode: the
// activations are rounded to bf16 first, as the official code's bf16 run does, and each instruction then does 32
// multiply-adds where an f32 FMA does 16.
//
// Blocking (measured with 8 rows, two threads, cache-cold weights; tools in Benchmarks/, `janus-bench gemv`):
// - K below 4096: groups of 16 weight rows, each streamed once from memory and re-read from L2 by passes of up to 4
//   activation rows (whose K values stay in L1), 4 weight rows at a time. The group 64 KB ahead is prefetched into
//   L2, spread over the passes: the kernel is compute-bound on cached data, and without it the core stalls on
//   memory between groups (8 rows at K = 2048: 24 → 36–39 GB/s).
// - K from 4096 (the MLP's down projection, K = 5632) with 5–8 rows: the activation rows no longer fit in L1 and
//   the second pass over a 180 KB group costs more than it saves; one pass of 3 weight rows × all activation rows
//   (24 accumulators), prefetching 15 rows ahead (23 → 32 GB/s).
// Every output's summation order is fixed by K alone, so results do not depend on the thread split.
#include <string.h>
#include "ckernels.h"
#if defined(__x86_64__)
#include <immintrin.h>

static inline float bf16_value(uint16_t h) { uint32_t b = (uint32_t)h << 16; float f; memcpy(&f, &b, 4); return f; }

// Weight rows n .. n+R-1 × activation rows 0 .. MR-1 into acc[r·MR + m], K in whole steps of 32 (returns where it
// stopped). `pf` (may be NULL): `pfRows` weight rows, `pfStride` rows apart, whose cache lines at the same K offsets
// are prefetched into L2 as this block streams its own.
__attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline))
static inline int dot_accumulate(const uint16_t *W, int K, const uint16_t *x, int MR, int n, int R, const uint16_t *pf,
                                 int pfRows, int pfStride, __m512 *acc) {
    for (int i = 0; i < R * MR; i++) acc[i] = _mm512_setzero_ps();
    int k = 0;
    for (; k + 32 <= K; k += 32) {
        __m512bh w[4];
        for (int r = 0; r < R; r++) w[r] = (__m512bh)_mm512_loadu_si512((const void *)(W + (size_t)(n + r) * K + k));
        if (pf)
            for (int p = 0; p < pfRows; p++) _mm_prefetch((const char *)(pf + (size_t)p * pfStride * K + k), _MM_HINT_T1);
        for (int m = 0; m < MR; m++) {
            const __m512bh xv = (__m512bh)_mm512_loadu_si512((const void *)(x + (size_t)m * K + k));
            for (int r = 0; r < R; r++) acc[r * MR + m] = _mm512_dpbf16_ps(acc[r * MR + m], w[r], xv);
        }
    }
    return k;
}

// The block's outputs: each accumulator's lanes summed (_mm512_reduce_add_ps), the K tail, + bias.
__attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline))
static inline void dot_block(const uint16_t *W, int K, const uint16_t *x, int MR, float *y, int ldy, int n, int R,
                             const float *bias, const uint16_t *pf, int pfRows, int pfStride) {
    __m512 acc[3 * 8 > 4 * 4 ? 3 * 8 : 16];
    const int k = dot_accumulate(W, K, x, MR, n, R, pf, pfRows, pfStride, acc);
    for (int r = 0; r < R; r++)
        for (int m = 0; m < MR; m++) {
            float s = _mm512_reduce_add_ps(acc[r * MR + m]);
            for (int kk = k; kk < K; kk++) s += bf16_value(W[(size_t)(n + r) * K + kk]) * bf16_value(x[(size_t)m * K + kk]);
            y[(size_t)m * ldy + n + r] = s + (bias ? bias[n + r] : 0.0f);
        }
}

// dot_block for 4 × 4 and K a multiple of 32, with the 16 reductions done together: the same additions as
// _mm512_reduce_add_ps's tree for each accumulator (lanes i + i+8, then i + i+4, then i + i+2, then i + i+1, as clang
// emits it), so the same bits, in 30 shuffles and 15 adds instead of 16 separate trees. LinearRowGroupsTests (batched
// rows here, each group alone through the scalar reductions) fails if a compiler emits another tree.
__attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline))
static inline void dot_block_4x4(const uint16_t *W, int K, const uint16_t *x, float *y, int ldy, int n,
                                 const float *bias, const uint16_t *pf, int pfRows) {
    __m512 a[16], b[8], c[4], d[2];
    dot_accumulate(W, K, x, 4, n, 4, pf, pfRows, 1, a);
    for (int j = 0; j < 8; j++)   // [a2j: lanes i + i+8 | a2j+1: the same]
        b[j] = _mm512_add_ps(_mm512_shuffle_f32x4(a[2 * j], a[2 * j + 1], 0x44), _mm512_shuffle_f32x4(a[2 * j], a[2 * j + 1], 0xEE));
    for (int j = 0; j < 4; j++)   // quads: a4j .. a4j+3, lanes i + i+4
        c[j] = _mm512_add_ps(_mm512_shuffle_f32x4(b[2 * j], b[2 * j + 1], 0x88), _mm512_shuffle_f32x4(b[2 * j], b[2 * j + 1], 0xDD));
    for (int j = 0; j < 2; j++)   // quad q: [a8j+q: i + i+2 (2 lanes) | a8j+4+q: the same]
        d[j] = _mm512_add_ps(_mm512_shuffle_ps(c[2 * j], c[2 * j + 1], 0x44), _mm512_shuffle_ps(c[2 * j], c[2 * j + 1], 0xEE));
    // Quad q: the sums of a_q, a_4+q, a_8+q, a_12+q, i.e. weight rows 0..3 against activation row q (acc[r·4 + m]).
    const __m512 s = _mm512_add_ps(_mm512_shuffle_ps(d[0], d[1], 0x88), _mm512_shuffle_ps(d[0], d[1], 0xDD));
    const __m128 b4 = bias ? _mm_loadu_ps(bias + n) : _mm_setzero_ps();
    _mm_storeu_ps(y + n, _mm_add_ps(_mm512_extractf32x4_ps(s, 0), b4));
    _mm_storeu_ps(y + (size_t)ldy + n, _mm_add_ps(_mm512_extractf32x4_ps(s, 1), b4));
    _mm_storeu_ps(y + (size_t)2 * ldy + n, _mm_add_ps(_mm512_extractf32x4_ps(s, 2), b4));
    _mm_storeu_ps(y + (size_t)3 * ldy + n, _mm_add_ps(_mm512_extractf32x4_ps(s, 3), b4));
}

// One pass of MR ≤ 4 activation rows over the weight rows [g0, g1) of a 16-row group; pass `pass` of `passes`
// prefetches its share of each 4-row block `dist` rows ahead (when that is still below `limit`).
#define GROUP_PASS(MR)                                                                                            \
    __attribute__((target("avx512f,avx512bw,avx512bf16")))                                                         \
    static void group_pass_##MR(const uint16_t *W, int K, const uint16_t *x, float *y, int ldy, int g0, int g1,   \
                                const float *bias, int pass, int passes, int dist, int limit) {                    \
        int n = g0;                                                                                                \
        const int share = (4 + passes - 1) / passes;                                                               \
        for (; n + 4 <= g1; n += 4) {                                                                              \
            const int first = pass * share, count = first + share <= 4 ? share : 4 - first;                        \
            const int ahead = n + dist + first;                                                                    \
            const uint16_t *pf = count > 0 && ahead + count <= limit ? W + (size_t)ahead * K : NULL;               \
            if (MR == 4 && K % 32 == 0) dot_block_4x4(W, K, x, y, ldy, n, bias, pf, count);                       \
            else dot_block(W, K, x, MR, y, ldy, n, 4, bias, pf, count, 1);                                         \
        }                                                                                                          \
        for (; n < g1; n++) dot_block(W, K, x, MR, y, ldy, n, 1, bias, NULL, 0, 0);                               \
    }
GROUP_PASS(1)
GROUP_PASS(2)
GROUP_PASS(3)
GROUP_PASS(4)

// All MR (5–8) activation rows in one pass, 3 weight rows at a time, prefetching the rows 15 ahead.
#define WIDE_PASS(MR)                                                                                             \
    __attribute__((target("avx512f,avx512bw,avx512bf16")))                                                         \
    static void wide_pass_##MR(const uint16_t *W, int K, const uint16_t *x, float *y, int ldy, int n0, int n1,    \
                               const float *bias) {                                                                \
        int n = n0;                                                                                                \
        for (; n + 3 <= n1; n += 3) {                                                                              \
            const uint16_t *pf = n + 15 + 3 <= n1 ? W + (size_t)(n + 15) * K : NULL;                               \
            dot_block(W, K, x, MR, y, ldy, n, 3, bias, pf, 3, 1);                                                  \
        }                                                                                                          \
        for (; n < n1; n++) dot_block(W, K, x, MR, y, ldy, n, 1, bias, NULL, 0, 0);                               \
    }
WIDE_PASS(5)
WIDE_PASS(6)
WIDE_PASS(7)
WIDE_PASS(8)

// Many rows (cross-prompt batching: 8 per prompt × B prompts) in the same order as above: weight rows 4 at a time,
// every activation row passing over them 4 at a time while they are in L1/L2 (the activations, ≤ 64 rows × K, stay
// in L2), the next 4 weight rows prefetched during the first pass. Each output is the same dot_block sum as with
// any other blocking. Before this kernel, row groups ran one after another per 64-row weight block: the first
// group read the block from memory without compute to hide it (64 rows × 5632×2048 on the Zen 4: 4.4 ms; 4.0–4.2 with
// this pass, 3.6–3.7 with dot_block_4x4's reductions, against 3.2 at the dot-product peak).
__attribute__((target("avx512f,avx512bw,avx512bf16")))
static void many_rows(const uint16_t *W, int K, const uint16_t *xb, int M, float *y, int ldy, int n0, int n1,
                      const float *bias) {
    // 4 × 4 accumulators: 4 × 6 and 3 × 8 measured level or slower at 64 rows (5632×2048, 2048×5632, 2048×2048).
    enum { R = 4, MR = 4 };
    int n = n0;
    for (; n + R <= n1; n += R) {
        const uint16_t *pf = n + 2 * R <= n1 ? W + (size_t)(n + R) * K : NULL;
        int m = 0;
        if (K % 32 == 0)
            for (; m + MR <= M; m += MR) dot_block_4x4(W, K, xb + (size_t)m * K, y + (size_t)m * ldy, ldy, n, bias, m == 0 ? pf : NULL, R);
        for (; m + MR <= M; m += MR)
            dot_block(W, K, xb + (size_t)m * K, MR, y + (size_t)m * ldy, ldy, n, R, bias, m == 0 ? pf : NULL, R, 1);
        for (; m < M; m++) dot_block(W, K, xb + (size_t)m * K, 1, y + (size_t)m * ldy, ldy, n, R, bias, NULL, 0, 0);
    }
    for (; n < n1; n++) {
        int m = 0;
        for (; m + 4 <= M; m += 4) dot_block(W, K, xb + (size_t)m * K, 4, y + (size_t)m * ldy, ldy, n, 1, bias, NULL, 0, 0);
        for (; m < M; m++) dot_block(W, K, xb + (size_t)m * K, 1, y + (size_t)m * ldy, ldy, n, 1, bias, NULL, 0, 0);
    }
}
#endif

int jk_gemv_bf16_dot_many(const uint16_t *W, int K, const uint16_t *xb, int M, float *y, int ldy, int n0, int n1,
                          const float *bias) {
#if defined(__x86_64__)
    if (!jk_cpu_has_bf16_dot()) return 0;
    many_rows(W, K, xb, M, y, ldy, n0, n1, bias);
    return 1;
#else
    (void)W; (void)K; (void)xb; (void)M; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
    return 0;
#endif
}

int jk_gemv_bf16_dot(const uint16_t *W, int K, const uint16_t *xb, int M, float *y, int ldy, int n0, int n1,
                     const float *bias) {
#if defined(__x86_64__)
    if (!jk_cpu_has_bf16_dot()) return 0;
    if (K >= 4096 && M > 4 && M <= 8) {
        switch (M) {
        case 5: wide_pass_5(W, K, xb, y, ldy, n0, n1, bias); break;
        case 6: wide_pass_6(W, K, xb, y, ldy, n0, n1, bias); break;
        case 7: wide_pass_7(W, K, xb, y, ldy, n0, n1, bias); break;
        default: wide_pass_8(W, K, xb, y, ldy, n0, n1, bias); break;
        }
        return 1;
    }
    const int passes = (M + 3) / 4;
    int dist = (65536 / (2 * K) + 3) / 4 * 4;
    if (dist < 16) dist = 16;
    for (int g = n0; g < n1; g += 16) {
        const int g1 = g + 16 < n1 ? g + 16 : n1;
        for (int m = 0, pass = 0; m < M; m += 4, pass++) {
            const int rows = M - m < 4 ? M - m : 4;
            const uint16_t *x = xb + (size_t)m * K;
            float *ym = y + (size_t)m * ldy;
            switch (rows) {
            case 1: group_pass_1(W, K, x, ym, ldy, g, g1, bias, pass, passes, dist, n1); break;
            case 2: group_pass_2(W, K, x, ym, ldy, g, g1, bias, pass, passes, dist, n1); break;
            case 3: group_pass_3(W, K, x, ym, ldy, g, g1, bias, pass, passes, dist, n1); break;
            default: group_pass_4(W, K, x, ym, ldy, g, g1, bias, pass, passes, dist, n1); break;
            }
        }
    }
    return 1;
#else
    (void)W; (void)K; (void)xb; (void)M; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
    return 0;
#endif
}
