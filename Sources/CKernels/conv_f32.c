// Stride-1 convolution with f32 activations and weights on AVX-512 FMAs: the default precision's convolutions (VQ
// decoder, SDXL-VAE, the scorers) without OpenBLAS. Our machines' environment pins OpenBLAS to its Haswell (AVX2)
// core, which runs sgemm at half the AVX-512 rate, and the shifted GEMM through sgemm also packs both operands again
// for each of the kh·kw taps.
//
// Same grid as jk_conv_bf16 (Conv2D.shiftedF32): the input zero-padded to pitch wp and outputs computed on that pitch,
// so tap (i, j) reads the grid shifted by i·wp + j. A block is 8 output channels × 48 positions (24 accumulators);
// per input channel all taps run while the channel's rows are in L1, each tap 3 position loads and 8 weights
// broadcast from memory. The weights are read where they are, in PyTorch's [cout][cin][kh][kw] order (8 row streams;
// a packed [cin][tap][8] copy measured no faster). Each output sums its products in a fixed order (channels, then
// taps, in runs of ~256 products added to a running total, then + bias) that depends on cin and the taps alone, so
// how positions or rows are split over threads or calls changes no bit.
#include <stddef.h>
#include "ckernels.h"
#include "conv_tile.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define OB 8    // output channels per block
#define PV 3    // 16-position vectors per block
#define PB (16 * PV)
#define MAX_TAPS 64
#define CHUNK_TERMS 256

// `n` < 48 positions (a last block): masked loads, so nothing past the last position is read. `w`: the block's first
// weight row; row o at w + o·ldw (rows past the block's last real one repeat it), element (c, t) at c·taps + t.
__attribute__((target("avx512f"), always_inline))
static inline void conv_block_n(const float *grid, size_t plane, const float *w, size_t ldw, int ob, int cin, int taps,
                                int kw, int wp, const int *offset, int p, float *tile, const int pv, const int full, int n,
                                const int fixed) {
    __m512 acc[OB][PV];
    __mmask16 mask[PV];
    for (int v = 0; v < PV; v++) {
        const int lanes = n - 16 * v < 0 ? 0 : (n - 16 * v > 16 ? 16 : n - 16 * v);
        mask[v] = (__mmask16)((1u << lanes) - 1u);
    }
    const float *row[OB];
    for (int o = 0; o < OB; o++) row[o] = w + (size_t)(o < ob ? o : ob - 1) * ldw;
    // Blocked summation: each run of `chunk` channels (≈ CHUNK_TERMS products) sums in registers from zero, then adds
    // to the running total kept in `tile`. One accumulator over all of K = 2048 was 10× sgemm's error (NMSE 6.6e-13
    // against 6.1e-14 vs a Double product); blocked like sgemm's K panels it is level with it.
    const int chunk = CHUNK_TERMS / taps > 0 ? CHUNK_TERMS / taps : 1;
    for (int o = 0; o < OB; o++) for (int v = 0; v < pv; v++) _mm512_storeu_ps(tile + o * PB + 16 * v, _mm512_setzero_ps());
    const float *xc = grid + p;
    for (int c0 = 0; c0 < cin; c0 += chunk) {
        const int cn = cin - c0 < chunk ? cin - c0 : chunk;
        for (int o = 0; o < OB; o++) for (int v = 0; v < PV; v++) acc[o][v] = _mm512_setzero_ps();
        // The chunk's weights from its own row pointers (fewer live registers in the hot loop).
        const float *r0 = row[0] + (size_t)c0 * taps, *r1 = row[1] + (size_t)c0 * taps, *r2 = row[2] + (size_t)c0 * taps,
                    *r3 = row[3] + (size_t)c0 * taps, *r4 = row[4] + (size_t)c0 * taps, *r5 = row[5] + (size_t)c0 * taps,
                    *r6 = row[6] + (size_t)c0 * taps, *r7 = row[7] + (size_t)c0 * taps;
        // Channel by channel, its taps inside (the same order as one run over j = c·taps + t). With `fixed`, taps
        // and kw are compile-time (3×3, 2×2, 1×1): the taps unroll, each load addresses the channel's rows directly, and
        // the loop keeps its pointers in registers (the generic loop spilled them and spent a third of its issue
        // slots on bookkeeping).
        for (int c = 0, j = 0; c < cn; c++, xc += plane, j += taps) {
            // The next channel's rows into L1 a channel ahead (24–216 FMAs): the hardware prefetchers do not follow a new
            // plane per channel, and this measured 10–15 % faster for 3×3 and 1×1 at one thread.
            if (fixed && full) {
                for (int r = 0; r < taps / kw; r++)
                    for (int l = 0; l < (taps == 1 ? 3 : 4); l++)
                        _mm_prefetch((const char *)(xc + plane + r * wp) + 64 * l, _MM_HINT_T0);
            }
            for (int t = 0; t < taps; t++) {
                const float *x = xc + (fixed ? (t / kw) * wp + t % kw : offset[t]);
                __m512 xv[PV];
                for (int v = 0; v < pv; v++) xv[v] = full ? _mm512_loadu_ps(x + 16 * v) : _mm512_maskz_loadu_ps(mask[v], x + 16 * v);
                const float wj[OB] = {r0[j + t], r1[j + t], r2[j + t], r3[j + t], r4[j + t], r5[j + t], r6[j + t], r7[j + t]};
                for (int o = 0; o < OB; o++) {
                    const __m512 wv = _mm512_set1_ps(wj[o]);
                    for (int v = 0; v < pv; v++) acc[o][v] = _mm512_fmadd_ps(wv, xv[v], acc[o][v]);
                }
            }
        }
        for (int o = 0; o < OB; o++) for (int v = 0; v < pv; v++) {
            float *sum = tile + o * PB + 16 * v;
            _mm512_storeu_ps(sum, _mm512_add_ps(_mm512_loadu_ps(sum), acc[o][v]));
        }
    }
}

// One variant per (positions, kernel) kind: compile-time loops for 3×3, 2×2 (the upsampling
// convolutions' phases) and 1×1.
#define CONV_BLOCK_VARIANT(NAME, TAPS, KW, FIXED)                                                                    \
    __attribute__((target("avx512f"), noinline))                                                                  \
    static void NAME(const float *grid, size_t plane, const float *w, size_t ldw, int ob, int cin, int taps, int kw,       \
                     int wp, const int *offset, int p, float *tile, int n) {                                       \
        (void)taps; (void)kw;                                                                                      \
        if (n == PB) conv_block_n(grid, plane, w, ldw, ob, cin, TAPS, KW, wp, offset, p, tile, 3, 1, PB, FIXED);   \
        else if (n > 32) conv_block_n(grid, plane, w, ldw, ob, cin, TAPS, KW, wp, offset, p, tile, 3, 0, n, FIXED); \
        else if (n > 16) conv_block_n(grid, plane, w, ldw, ob, cin, TAPS, KW, wp, offset, p, tile, 2, 0, n, FIXED); \
        else conv_block_n(grid, plane, w, ldw, ob, cin, TAPS, KW, wp, offset, p, tile, 1, 0, n, FIXED);             \
    }
CONV_BLOCK_VARIANT(conv_block_3x3, 9, 3, 1)
CONV_BLOCK_VARIANT(conv_block_2x2, 4, 2, 1)
CONV_BLOCK_VARIANT(conv_block_1x1, 1, 1, 1)
CONV_BLOCK_VARIANT(conv_block_any, taps, kw, 0)

// Only the vectors holding positions are computed (a product of 9–47 rows is one short block): each lane's sum is
// the same sequence of FMAs whichever variant runs.
static inline void conv_block(const float *grid, size_t plane, const float *w, size_t ldw, int ob, int cin, int taps,
                              int kw, int wp, const int *offset, int p, float *tile, int n) {
    if (taps == 9 && kw == 3) conv_block_3x3(grid, plane, w, ldw, ob, cin, taps, kw, wp, offset, p, tile, n);
    else if (taps == 4 && kw == 2) conv_block_2x2(grid, plane, w, ldw, ob, cin, taps, kw, wp, offset, p, tile, n);
    else if (taps == 1) conv_block_1x1(grid, plane, w, ldw, ob, cin, taps, kw, wp, offset, p, tile, n);
    else conv_block_any(grid, plane, w, ldw, ob, cin, taps, kw, wp, offset, p, tile, n);
}

#endif

int jk_conv_f32(const float *grid, size_t plane, int cin, int wp, const float *w, size_t ldw, int cout, int kh, int kw,
                const float *bias, float *out, int outH, int outW, int p0, int p1) {
#if defined(__x86_64__)
    const int taps = kh * kw;
    if (jk_cpu_level() < 3 || taps > MAX_TAPS) return 0;
    int offset[MAX_TAPS];
    for (int t = 0; t < taps; t++) offset[t] = (t / kw) * wp + t % kw;
    float tile[OB * PB];
    for (int p = p0; p < p1; p += PB) {
        const int n = p1 - p < PB ? p1 - p : PB;
        for (int o0 = 0; o0 < cout; o0 += OB) {
            const int ob = cout - o0 < OB ? cout - o0 : OB;
            conv_block(grid, plane, w + (size_t)o0 * ldw, ldw, ob, cin, taps, kw, wp, offset, p, tile, n);
            jk_conv_store_tile(tile, PB, ob, o0, p, n, wp, bias, out, outH, outW);
        }
    }
    return 1;
#else
    (void)grid; (void)plane; (void)cin; (void)wp; (void)w; (void)ldw; (void)cout; (void)kh; (void)kw; (void)bias; (void)out;
    (void)outH; (void)outW; (void)p0; (void)p1;
    return 0;
#endif
}

int jk_conv_f32_rows(const float *grid, size_t plane, int cin, const float *w, size_t ldw, int cout, const float *bias,
                     float *out, size_t ld, int count) {
#if defined(__x86_64__)
    if (jk_cpu_level() < 3) return 0;
    const int offset[1] = { 0 };
    float tile[OB * PB];
    for (int p = 0; p < count; p += PB) {
        const int n = count - p < PB ? count - p : PB;
        for (int o0 = 0; o0 < cout; o0 += OB) {
            const int ob = cout - o0 < OB ? cout - o0 : OB;
            conv_block(grid, plane, w + (size_t)o0 * ldw, ldw, ob, cin, 1, 1, 0, offset, p, tile, n);
            jk_conv_store_tile_rows(tile, PB, ob, o0, n, bias, out + (size_t)p * ld, ld);
        }
    }
    return 1;
#else
    (void)grid; (void)plane; (void)cin; (void)w; (void)ldw; (void)cout; (void)bias; (void)out; (void)ld; (void)count;
    return 0;
#endif
}
