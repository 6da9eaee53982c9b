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
                                const int *offset, int p, float *tile, const int pv, const int full, int n) {
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
        const int terms = cn * taps;
        for (int j = 0, t = 0; j < terms; j++) {
            const float *x = xc + offset[t];
            if (++t == taps) { t = 0; xc += plane; }
            __m512 xv[PV];
            for (int v = 0; v < pv; v++) xv[v] = full ? _mm512_loadu_ps(x + 16 * v) : _mm512_maskz_loadu_ps(mask[v], x + 16 * v);
            const float wj[OB] = {r0[j], r1[j], r2[j], r3[j], r4[j], r5[j], r6[j], r7[j]};
            for (int o = 0; o < OB; o++) {
                const __m512 wv = _mm512_set1_ps(wj[o]);
                for (int v = 0; v < pv; v++) acc[o][v] = _mm512_fmadd_ps(wv, xv[v], acc[o][v]);
            }
        }
        for (int o = 0; o < OB; o++) for (int v = 0; v < pv; v++) {
            float *sum = tile + o * PB + 16 * v;
            _mm512_storeu_ps(sum, _mm512_add_ps(_mm512_loadu_ps(sum), acc[o][v]));
        }
    }
}

__attribute__((target("avx512f")))
static void conv_block(const float *grid, size_t plane, const float *w, size_t ldw, int ob, int cin, int taps,
                       const int *offset, int p, float *tile, int n) {
    // Only the vectors holding positions are computed (a product of 9–47 rows is one short block): each lane's sum
    // is the same sequence of FMAs whichever variant runs.
    if (n == PB) conv_block_n(grid, plane, w, ldw, ob, cin, taps, offset, p, tile, 3, 1, PB);
    else if (n > 32) conv_block_n(grid, plane, w, ldw, ob, cin, taps, offset, p, tile, 3, 0, n);
    else if (n > 16) conv_block_n(grid, plane, w, ldw, ob, cin, taps, offset, p, tile, 2, 0, n);
    else conv_block_n(grid, plane, w, ldw, ob, cin, taps, offset, p, tile, 1, 0, n);
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
            conv_block(grid, plane, w + (size_t)o0 * ldw, ldw, ob, cin, taps, offset, p, tile, n);
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
            conv_block(grid, plane, w + (size_t)o0 * ldw, ldw, ob, cin, 1, offset, p, tile, n);
            jk_conv_store_tile_rows(tile, PB, ob, o0, n, bias, out + (size_t)p * ld, ld);
        }
    }
    return 1;
#else
    (void)grid; (void)plane; (void)cin; (void)w; (void)ldw; (void)cout; (void)bias; (void)out; (void)ld; (void)count;
    return 0;
#endif
}
