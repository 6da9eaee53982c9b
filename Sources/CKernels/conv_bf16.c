// Stride-1 convolution with bf16 activations and weights (AVX512_BF16 VDPBF16PS, f32 accumulation), for the
// opt-in bf16 precision mode: the VQ decoder's 3×3 convolutions are ~90 % of its multiply-adds.
//
// Same shifted-GEMM idea as Conv2D.shiftedGEMM: the input is zero-padded to a grid of pitch wp and outputs are
// computed on that pitch, so tap (i, j) reads the grid shifted by i·wp + j. Here the grid holds channel *pairs*
// (one 32-bit word = bf16 of channels 2c and 2c+1), which is the operand layout VDPBF16PS multiplies: one
// instruction adds w[o][2c]·x[2c][p] + w[o][2c+1]·x[2c+1][p] for 16 grid positions p. A block is 8 output channels
// × 48 positions (24 accumulators; per channel pair 3 loads of positions and 8 broadcast weight pairs).
#include <string.h>
#include "ckernels.h"
#include "conv_tile.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define OB 8    // output channels per block
#define PV 3    // 16-position vectors per block
#define PB (16 * PV)

// `pv` vectors of 16 positions (compile-time in each variant below): a last block of 1–32 positions computes only the
// vectors that hold them. Each lane's sum is the same sequence of VDPBF16PS whichever variant runs.
__attribute__((target("avx512f,avx512bw,avx512bf16"), always_inline))
static inline void conv_block_pv(const uint32_t *grid, size_t plane, const uint32_t *w, int pairs, int taps, int kw,
                                 int wp, int cout, int o0, int ob, int p, float *tile, const int pv) {
    __m512 acc[OB][PV];
    for (int o = 0; o < OB; o++) for (int v = 0; v < pv; v++) acc[o][v] = _mm512_setzero_ps();
    for (int t = 0; t < taps; t++) {
        const uint32_t *x = grid + p + (size_t)(t / kw) * wp + t % kw;
        const uint32_t *wt = w + ((size_t)t * cout + o0) * pairs;
        for (int c = 0; c < pairs; c++) {
            const uint32_t *xc = x + (size_t)c * plane;
            __m512bh xv[PV];
            for (int v = 0; v < pv; v++) xv[v] = (__m512bh)_mm512_loadu_si512((const void *)(xc + 16 * v));
            for (int o = 0; o < OB; o++) {
                // Rows past `ob` repeat the last real one (their results are dropped); keeps the loop branch-free.
                const int oo = o < ob ? o : ob - 1;
                const __m512bh wv = (__m512bh)_mm512_set1_epi32((int)wt[(size_t)oo * pairs + c]);
                for (int v = 0; v < pv; v++) acc[o][v] = _mm512_dpbf16_ps(acc[o][v], wv, xv[v]);
            }
        }
    }
    for (int o = 0; o < OB; o++) for (int v = 0; v < pv; v++) _mm512_storeu_ps(tile + o * PB + 16 * v, acc[o][v]);
}

#define CONV_BLOCK_PV(NAME, N)                                                                                         \
    __attribute__((target("avx512f,avx512bw,avx512bf16"), noinline))                                                  \
    static void NAME(const uint32_t *grid, size_t plane, const uint32_t *w, int pairs, int taps, int kw, int wp,        \
                     int cout, int o0, int ob, int p, float *tile) {                                                   \
        conv_block_pv(grid, plane, w, pairs, taps, kw, wp, cout, o0, ob, p, tile, N);                                 \
    }
CONV_BLOCK_PV(conv_block_48, 3)
CONV_BLOCK_PV(conv_block_32, 2)
CONV_BLOCK_PV(conv_block_16, 1)

// A block of `n` positions: 48 for every block but a last one. The batched guidance step's 8·B rows are 48 + 16 at
// B = 8 (a full 48-position second block made the 64-row product cost as much as 96 rows).
static void conv_block(const uint32_t *grid, size_t plane, const uint32_t *w, int pairs, int taps, int kw, int wp,
                       int cout, int o0, int ob, int p, float *tile, int n) {
    if (n > 32) conv_block_48(grid, plane, w, pairs, taps, kw, wp, cout, o0, ob, p, tile);
    else if (n > 16) conv_block_32(grid, plane, w, pairs, taps, kw, wp, cout, o0, ob, p, tile);
    else conv_block_16(grid, plane, w, pairs, taps, kw, wp, cout, o0, ob, p, tile);
}
#endif

int jk_conv_bf16(const uint32_t *grid, size_t plane, int pairs, int wp, const uint32_t *w, int cout, int kh, int kw,
                 const float *bias, float *out, int outH, int outW, int p0, int p1) {
#if defined(__x86_64__)
    if (!jk_cpu_has_bf16_dot()) return 0;
    float tile[OB * PB];
    for (int p = p0; p < p1; p += PB) {
        const int n = p1 - p < PB ? p1 - p : PB;
        for (int o0 = 0; o0 < cout; o0 += OB) {
            const int ob = cout - o0 < OB ? cout - o0 : OB;
            conv_block(grid, plane, w, pairs, kh * kw, kw, wp, cout, o0, ob, p, tile, n);
            jk_conv_store_tile(tile, PB, ob, o0, p, n, wp, bias, out, outH, outW);
        }
    }
    return 1;
#else
    (void)grid; (void)plane; (void)pairs; (void)wp; (void)w; (void)cout; (void)kh; (void)kw; (void)bias; (void)out;
    (void)outH; (void)outW; (void)p0; (void)p1;
    return 0;
#endif
}

int jk_conv_bf16_rows(const uint32_t *grid, size_t plane, int pairs, const uint32_t *w, int cout, const float *bias,
                      float *out, size_t ld, int count) {
#if defined(__x86_64__)
    if (!jk_cpu_has_bf16_dot()) return 0;
    float tile[OB * PB];
    for (int p = 0; p < count; p += PB) {
        const int n = count - p < PB ? count - p : PB;
        for (int o0 = 0; o0 < cout; o0 += OB) {
            const int ob = cout - o0 < OB ? cout - o0 : OB;
            conv_block(grid, plane, w, pairs, 1, 1, 0, cout, o0, ob, p, tile, n);
            jk_conv_store_tile_rows(tile, PB, ob, o0, n, bias, out + (size_t)p * ld, ld);
        }
    }
    return 1;
#else
    (void)grid; (void)plane; (void)pairs; (void)w; (void)cout; (void)bias; (void)out; (void)ld; (void)count;
    return 0;
#endif
}
