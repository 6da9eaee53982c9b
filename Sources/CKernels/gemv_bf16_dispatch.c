// Hand-written: which generated bf16 GEMV kernel (gemv_bf16.c, see tools/codegen/README.md) runs for a SIMD level
// and an activation-row count, and the even/odd activation split those kernels read.
#include "ckernels.h"
#include "gemv_bf16_kernels.h"

void jk_split_even_odd(const float *x, int ldx, int M, int K, float *xe, float *xo) {
    int half = K / 2;
    size_t xs = JK_SPLIT_STRIDE(K);
    for (int m = 0; m < M; m++)
        for (int k = 0; k < half; k++) {
            xe[(size_t)m * xs + k] = x[(size_t)m * ldx + 2 * k];
            xo[(size_t)m * xs + k] = x[(size_t)m * ldx + 2 * k + 1];
        }
}

#if defined(__x86_64__)
// Indexed by the activation-row count. AVX-512 runs five to eight rows as passes of at most four (below), so its
// table ends at four rows; AVX2 has a kernel for each of one to eight.
static const jk_bf16_kernel z_kernels[5] = {0, jk_bf16_z_m1, jk_bf16_z_m2, jk_bf16_z_m3, jk_bf16_z_m4};
static const jk_bf16_kernel y_kernels[9] = {0, jk_bf16_y_m1, jk_bf16_y_m2, jk_bf16_y_m3, jk_bf16_y_m4,
                                            jk_bf16_y_m5, jk_bf16_y_m6, jk_bf16_y_m7, jk_bf16_y_m8};
#endif

int jk_gemv_bf16_split(int level, const uint16_t *W, int K, const float *x, int ldx, int M, const float *xe,
                       const float *xo, float *y, int ldy, int n0, int n1, const float *bias) {
#if defined(__x86_64__)
    if (M >= 1 && M <= 8) {
        if (level >= 3 && M > 4) {
            // Five to eight rows: groups of 16 weight rows, each streamed from memory once and then re-read from
            // L1/L2 by a second pass over the other activation rows. Four rows at a time keep 16 accumulators in
            // registers and halve the activation loads per FMA (measured 49 -> 74 GFLOP/s on one core). Direct
            // five- to eight-row AVX-512 kernels were measured slower (tools/codegen/README.md) and are not generated.
            const size_t xs = JK_SPLIT_STRIDE(K);
            for (int g = n0; g < n1; g += 16) {
                const int g1 = g + 16 < n1 ? g + 16 : n1;
                for (int m = 0; m < M; m += 4) {
                    const int rows = M - m < 4 ? M - m : 4;
                    z_kernels[rows](W, K, x + (size_t)m * ldx, ldx, xe + (size_t)m * xs, xo + (size_t)m * xs, K / 2,
                                    y + (size_t)m * ldy, ldy, g, g1, bias);
                }
            }
            return 1;
        }
        if (level >= 3) { z_kernels[M](W, K, x, ldx, xe, xo, K / 2, y, ldy, n0, n1, bias); return 1; }
        if (level >= 2) { y_kernels[M](W, K, x, ldx, xe, xo, K / 2, y, ldy, n0, n1, bias); return 1; }
    }
#endif
    (void)W; (void)K; (void)x; (void)ldx; (void)M; (void)xe; (void)xo; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
    return 0;
}
