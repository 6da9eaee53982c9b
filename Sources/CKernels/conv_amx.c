// Stride-1 convolution with bf16 activations and weights on Intel AMX tiles (TDPBF16PS: a 16×16 f32 accumulator
// += a 16×32 bf16 A tile times a 16-pair × 16 bf16 B tile), f32 accumulation, for `--precision bf16`.
//
// The shifted-GEMM idea of Conv2D.shiftedGEMM / conv_bf16.c: the input is zero-padded to a grid, and kernel tap
// (i, j) of output (r, c) reads grid (r + i, c + j). Here the grid is stored row by row, each grid row as `lines`
// lines of `pitch` 32-bit words (one word = the bf16 values of channels 2p and 2p + 1 at one column): 16 lines of
// 16 consecutive columns are exactly a B tile (stride = pitch words), for any tap shift. A is a 16-channel × 32
// input-channel block of one tap's weights, packed once per call (jk_conv_amx_pack_weights) so each A tile is 1 KB
// contiguous. Output tiles are 16 consecutive columns of one output row (a row's last tile may be partly past the
// row: those columns are computed from zero padding and dropped); two position tiles × two 16-channel blocks are
// the 2×2 accumulators (tiles 0–3), two A tiles (4, 5), two B tiles (6, 7). Each accumulator starts from the bias
// and sums taps in order, and within a tap the 32-channel blocks in order, whatever range of position tiles a call
// covers, so results do not depend on how the work is split.
#include "ckernels.h"
#include <string.h>
#include <stdlib.h>

size_t jk_conv_amx_weight_count(int cout, int cin, int kh, int kw) {
    return (size_t)((cout + 15) / 16) * (size_t)(kh * kw) * (size_t)((cin + 31) / 32) * 512;
}

void jk_conv_amx_pack_weights(const uint16_t *w, int cout, int cin, int kh, int kw, int t0, int t1, uint16_t *packed) {
    // packed[ct][tap][kb][row 0..15][k 0..31] = w[16ct + row][32kb + k][tap], zero past cout and cin. The weights
    // are read in their own order (one output channel's cin × taps values after the other), written to `taps` tiles.
    const int taps = kh * kw, kblocks = (cin + 31) / 32;
    const size_t tileRun = (size_t)taps * kblocks * 512;
    for (int ct = t0; ct < t1; ct++) {
        uint16_t *base = packed + (size_t)ct * tileRun;
        memset(base, 0, tileRun * sizeof(uint16_t));
        for (int row = 0; row < 16 && ct * 16 + row < cout; row++) {
            const uint16_t *src = w + (size_t)(ct * 16 + row) * cin * taps;
            for (int c = 0; c < cin; c++) {
                uint16_t *dst = base + (size_t)(c / 32) * 512 + row * 32 + c % 32;
                for (int t = 0; t < taps; t++) dst[(size_t)t * kblocks * 512] = src[(size_t)c * taps + t];
            }
        }
    }
}

void jk_conv_amx_pack_grid(int level, const float *x, int cin, int height, int width, int pad_top, int pad_left,
                           int pitch, int lines, uint32_t *grid, int g0, int g1) {
    // Grid rows [g0, g1): input row g − pad_top at columns pad_left.. of lines 0..(cin+1)/2 − 1, zeros elsewhere
    // (border rows and columns, the columns up to the pitch, lines of channels past cin).
    const size_t planeSize = (size_t)height * width;
    const int used = (cin + 1) / 2;
    for (int g = g0; g < g1; g++) {
        uint32_t *row = grid + (size_t)g * lines * pitch;
        const int r = g - pad_top;
        if (r < 0 || r >= height) { memset(row, 0, (size_t)lines * pitch * 4); continue; }
        for (int p = 0; p < used; p++) {
            uint32_t *line = row + (size_t)p * pitch;
            const float *even = x + (size_t)(2 * p) * planeSize + (size_t)r * width;
            const float *odd = 2 * p + 1 < cin ? even + planeSize : NULL;
            memset(line, 0, (size_t)pad_left * 4);
            jk_pack_bf16_pairs(level, even, odd, (size_t)width, line + pad_left);
            memset(line + pad_left + width, 0, (size_t)(pitch - pad_left - width) * 4);
        }
        memset(row + (size_t)used * pitch, 0, (size_t)(lines - used) * pitch * 4);
    }
}

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>


// One output block: position tiles (r_a, x_a) and (r_b, x_b) (nb = 1: only the first) × channel tiles ct, ct + 1
// (na = 1: only ct). `init` holds each channel tile's bias rows (16 × 16 f32); the results go to `buf` (4 × 256 f32:
// accumulator 2·a + b at 256·(2a + b)).
__attribute__((target("amx-tile,amx-bf16"), always_inline))
static inline void conv_block(const uint32_t *grid, size_t rowWords, int pitch, const uint16_t *wpacked, int taps,
                              int kw, int kblocks, int ct, int na, int nb, const uint32_t *pa, const uint32_t *pb,
                              const float *init, float *buf, float *const *dst, size_t dstride) {
    const size_t stride = (size_t)pitch * 4;
    const size_t tapTiles = (size_t)taps * kblocks;
    const uint16_t *w0 = wpacked + (size_t)ct * tapTiles * 512;
    const uint16_t *w1 = na == 2 ? w0 + tapTiles * 512 : w0;
    _tile_loadd(0, init + (size_t)ct * 256, 64);
    _tile_loadd(1, init + (size_t)ct * 256, 64);
    if (na == 2) { _tile_loadd(2, init + (size_t)(ct + 1) * 256, 64); _tile_loadd(3, init + (size_t)(ct + 1) * 256, 64); }
    for (int t = 0; t < taps; t++) {
        const size_t shift = (size_t)(t / kw) * rowWords + (size_t)(t % kw);
        const uint32_t *xa = pa + shift, *xb = pb + shift;
        const uint16_t *a0 = w0 + (size_t)t * kblocks * 512, *a1 = w1 + (size_t)t * kblocks * 512;
        for (int kb = 0; kb < kblocks; kb++) {
            _tile_loadd(4, a0 + (size_t)kb * 512, 64);
            _tile_loadd(6, xa + (size_t)kb * 16 * pitch, stride);
            _tile_dpbf16ps(0, 4, 6);
            if (nb == 2) { _tile_loadd(7, xb + (size_t)kb * 16 * pitch, stride); _tile_dpbf16ps(1, 4, 7); }
            if (na == 2) {
                _tile_loadd(5, a1 + (size_t)kb * 512, 64);
                _tile_dpbf16ps(2, 5, 6);
                if (nb == 2) _tile_dpbf16ps(3, 5, 7);
            }
        }
    }
    // Accumulator 2·a + b goes straight to the output where dst[2a + b] is set (a whole 16 × 16 tile inside it),
    // else to buf for conv_store.
    if (dst[0]) _tile_stored(0, dst[0], dstride); else _tile_stored(0, buf, 64);
    if (nb == 2) { if (dst[1]) _tile_stored(1, dst[1], dstride); else _tile_stored(1, buf + 256, 64); }
    if (na == 2) {
        if (dst[2]) _tile_stored(2, dst[2], dstride); else _tile_stored(2, buf + 512, 64);
        if (nb == 2) { if (dst[3]) _tile_stored(3, dst[3], dstride); else _tile_stored(3, buf + 768, 64); }
    }
    (void)grid;
}

// Accumulator rows are output channels o0.., columns output columns x0.. of row r: copied where valid.
static inline void conv_store(const float *acc, float *out, int outH, int outW, int cout, int o0, int r, int x0) {
    const int ov = cout - o0 < 16 ? cout - o0 : 16, xv = outW - x0 < 16 ? outW - x0 : 16;
    const size_t plane = (size_t)outH * outW;
    for (int i = 0; i < ov; i++) {
        float *dst = out + (size_t)(o0 + i) * plane + (size_t)r * outW + x0;
        memcpy(dst, acc + i * 16, (size_t)xv * sizeof(float));
    }
}

__attribute__((target("amx-tile,amx-bf16")))
int jk_conv_amx(const uint32_t *grid, int lines, int pitch, const uint16_t *wpacked, int cin, int cout, int kh,
                int kw, const float *bias, float *out, int outH, int outW, int q0, int q1, int qblock) {
    if (!jk_amx_available() || q1 <= q0) return q1 <= q0;
    const int taps = kh * kw, kblocks = (cin + 31) / 32, ctiles = (cout + 15) / 16;
    const int rowTiles = (outW + 15) / 16, tiles = outH * rowTiles;
    const size_t rowWords = (size_t)lines * pitch;
    const size_t plane = (size_t)outH * outW, dstride = plane * sizeof(float);
    float *init = aligned_alloc(64, (size_t)ctiles * 256 * sizeof(float) + 1024 * sizeof(float));
    if (!init) return 0;
    float *buf = init + (size_t)ctiles * 256;
    for (int ct = 0; ct < ctiles; ct++)
        for (int i = 0; i < 16; i++) {
            const int o = ct * 16 + i;
            const float b = bias && o < cout ? bias[o] : 0.0f;
            for (int j = 0; j < 16; j++) init[(size_t)ct * 256 + i * 16 + j] = b;
        }
    if (qblock < 1) qblock = 1;
    jk_amx_configure_full_tiles();
    for (int qs = q0; qs < q1; qs += qblock) {
        const int qe = qs + qblock < q1 ? qs + qblock : q1;
        for (int ct = 0; ct < ctiles; ct += 2) {
            const int na = ctiles - ct >= 2 ? 2 : 1;
            for (int q = qs; q < qe; q++) {
                const int ta = 2 * q, tb = 2 * q + 1, nb = tb < tiles ? 2 : 1;
                const int ra = ta / rowTiles, xa = (ta % rowTiles) * 16;
                const int rb = nb == 2 ? tb / rowTiles : ra, xb = nb == 2 ? (tb % rowTiles) * 16 : xa;
                const uint32_t *pa = grid + (size_t)ra * rowWords + xa, *pb = grid + (size_t)rb * rowWords + xb;
                // Whole tiles are stored in place: 16 output channels (rows, stride one output plane) × 16 columns.
                const int rowsA = cout - ct * 16 >= 16, rowsB = cout - ct * 16 >= 32;
                const int colsA = xa + 16 <= outW, colsB = xb + 16 <= outW;
                float *base = out + (size_t)ct * 16 * plane;
                float *dst[4] = {
                    rowsA && colsA ? base + (size_t)ra * outW + xa : NULL,
                    rowsA && colsB ? base + (size_t)rb * outW + xb : NULL,
                    rowsB && colsA ? base + 16 * plane + (size_t)ra * outW + xa : NULL,
                    rowsB && colsB ? base + 16 * plane + (size_t)rb * outW + xb : NULL,
                };
                if (na == 2 && nb == 2) conv_block(grid, rowWords, pitch, wpacked, taps, kw, kblocks, ct, 2, 2, pa, pb, init, buf, dst, dstride);
                else if (na == 2) conv_block(grid, rowWords, pitch, wpacked, taps, kw, kblocks, ct, 2, 1, pa, pb, init, buf, dst, dstride);
                else if (nb == 2) conv_block(grid, rowWords, pitch, wpacked, taps, kw, kblocks, ct, 1, 2, pa, pb, init, buf, dst, dstride);
                else conv_block(grid, rowWords, pitch, wpacked, taps, kw, kblocks, ct, 1, 1, pa, pb, init, buf, dst, dstride);
                if (!dst[0]) conv_store(buf, out, outH, outW, cout, ct * 16, ra, xa);
                if (nb == 2 && !dst[1]) conv_store(buf + 256, out, outH, outW, cout, ct * 16, rb, xb);
                if (na == 2) {
                    if (!dst[2]) conv_store(buf + 512, out, outH, outW, cout, ct * 16 + 16, ra, xa);
                    if (nb == 2 && !dst[3]) conv_store(buf + 768, out, outH, outW, cout, ct * 16 + 16, rb, xb);
                }
            }
        }
    }
    _tile_release();
    free(init);
    return 1;
}
#else
int jk_conv_amx(const uint32_t *grid, int lines, int pitch, const uint16_t *wpacked, int cin, int cout, int kh,
                int kw, const float *bias, float *out, int outH, int outW, int q0, int q1, int qblock) {
    (void)grid; (void)lines; (void)pitch; (void)wpacked; (void)cin; (void)cout; (void)kh; (void)kw; (void)bias;
    (void)out; (void)outH; (void)outW; (void)q0; (void)q1; (void)qblock;
    return 0;
}
#endif
