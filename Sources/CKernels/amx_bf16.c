// bf16 matrix products on Intel AMX tiles (TDPBF16PS: a 16×16 f32 accumulator tile += a 16×32 bf16 tile times a
// 16-pair × 16 bf16 "VNNI" tile). The weights are used in place as the A tiles — PyTorch's [N][K] row-major bf16 is
// exactly a stack of 16×32 tiles with stride K·2 bytes — and only the small activation side is packed (jk_amx_pack).
// Each output's sum runs over K in the same order whatever [n0, n1) is, so results do not depend on threads.
#include "ckernels.h"
#include <string.h>
#include <stdlib.h>

#if defined(__x86_64__) && defined(__linux__)
#include <cpuid.h>
#include <immintrin.h>
#include "simd_math.h"
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_GET_XCOMP_PERM 0x1022
#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

int jk_amx_available(void) {
    // Asked once per process: the CPU flags (CPUID 7.0 EDX bits 22 AMX-BF16 and 24 AMX-TILE) and Linux's
    // permission for the 8 KB tile state, which a process must request before its first tile instruction.
    static int cached = -1;
    int known = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (known >= 0) return known;
    unsigned a, b, c, d;
    known = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && ((d >> 22) & 1) && ((d >> 24) & 1)) {
        if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0) {
            unsigned long bits = 0;
            if (syscall(SYS_arch_prctl, ARCH_GET_XCOMP_PERM, &bits) == 0 && (bits & (1ul << XFEATURE_XTILEDATA))) known = 1;
        }
    }
    __atomic_store_n(&cached, known, __ATOMIC_RELEASE);
    return known;
}

typedef struct {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} __attribute__((packed)) jk_tile_config;

// All eight tiles 16 rows × 64 bytes. The GEMM uses tiles 0–3 as the 2×2 accumulators (weight block × activation
// block), 4–5 for two weight tiles, 6–7 for two activation tiles; conv_amx.c uses the same shapes.
__attribute__((target("amx-tile")))
void jk_amx_configure_full_tiles(void) {
    jk_tile_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.palette = 1;
    for (int t = 0; t < 8; t++) { cfg.rows[t] = 16; cfg.colsb[t] = 64; }
    _tile_loadconfig(&cfg);
}

void jk_amx_pack(const uint16_t *x, int K, int M, uint16_t *packed) {
    // Block (mb, kb) of 16 rows × 32 columns becomes 16 pair-rows of 16 × 2 values: packed[p][j][e] = x[16mb + j][32kb
    // + 2p + e], rows beyond M zero. Blocks are laid out mb-major, 512 values (1 KB) each.
    int mblocks = (M + 15) / 16, kblocks = K / 32;
    for (int mb = 0; mb < mblocks; mb++) {
        for (int kb = 0; kb < kblocks; kb++) {
            uint16_t *tile = packed + ((size_t)mb * kblocks + kb) * 512;
            for (int j = 0; j < 16; j++) {
                int row = mb * 16 + j;
                if (row < M) {
                    const uint16_t *src = x + (size_t)row * K + kb * 32;
                    for (int p = 0; p < 16; p++) { tile[p * 32 + j * 2] = src[2 * p]; tile[p * 32 + j * 2 + 1] = src[2 * p + 1]; }
                } else {
                    for (int p = 0; p < 16; p++) { tile[p * 32 + j * 2] = 0; tile[p * 32 + j * 2 + 1] = 0; }
                }
            }
        }
    }
}

size_t jk_amx_packed_count(int K, int M) { return (size_t)((M + 15) / 16) * (size_t)(K / 32) * 512; }

// One thread's scratch buffer that only grows: the product's accumulators and weight slices, asked for on every
// call (fresh pages from malloc cost a fault and a kernel clear each). The pool's threads live for the process.
typedef struct { void *p; size_t size; } jk_scratch;
static __thread jk_scratch scratch_acc, scratch_slice, scratch_rows;

static void *scratch_take(jk_scratch *s, size_t size) {
    if (s->size >= size) return s->p;
    free(s->p);
    s->p = aligned_alloc(64, (size + 63) & ~(size_t)63);
    s->size = s->p ? size : 0;
    return s->p;
}

// jk_amx_pack_f32 with AVX-512: a block's 16 rows are rounded (jk_round_bf16, the same bits) into scratch, then
// each 16 × 16 tile of bf16 pairs is transposed in registers and stored whole (the scalar scatter wrote every
// 4-byte pair to its own line: 10 % of a 600-row product's time).
__attribute__((target("avx512f")))
static int pack_f32_avx512(int level, const float *x, int K, int M, int mb0, int mb1, uint16_t *packed) {
    const int kblocks = K / 32;
    uint16_t *rows = scratch_take(&scratch_rows, (size_t)16 * K * sizeof(uint16_t));
    if (!rows) return 0;
    for (int mb = mb0; mb < mb1; mb++) {
        const int valid = M - mb * 16 < 16 ? M - mb * 16 : 16;
        for (int j = 0; j < valid; j++) jk_round_bf16(level, x + (size_t)(mb * 16 + j) * K, rows + (size_t)j * K, (size_t)K);
        __m512i *block = (__m512i *)(packed + (size_t)mb * kblocks * 512);
        for (int kb = 0; kb < kblocks; kb++) {
            __m512i r[16];
            for (int j = 0; j < 16; j++)
                r[j] = j < valid ? _mm512_loadu_si512((const void *)(rows + (size_t)j * K + kb * 32)) : _mm512_setzero_si512();
            transpose16(r);
            for (int p = 0; p < 16; p++) _mm512_storeu_si512((void *)(block + (size_t)kb * 16 + p), r[p]);
        }
    }
    return 1;
}

int jk_amx_pack_f32(int level, const float *x, int K, int M, int mb0, int mb1, uint16_t *packed) {
    // jk_amx_pack's layout for blocks [mb0, mb1), each row rounded by jk_round_bf16 first (one row at a time, so
    // any split of the blocks gives the same bits); a bf16 pair is one 32-bit word, moved as one.
    if (level >= 3) return pack_f32_avx512(level, x, K, M, mb0, mb1, packed);
    const int kblocks = K / 32;
    uint16_t *row = malloc((size_t)K * sizeof(uint16_t));
    if (!row) return 0;
    for (int mb = mb0; mb < mb1; mb++) {
        uint32_t *block = (uint32_t *)(packed + (size_t)mb * kblocks * 512);
        for (int j = 0; j < 16; j++) {
            const int r = mb * 16 + j;
            if (r < M) {
                jk_round_bf16(level, x + (size_t)r * K, row, (size_t)K);
                const uint32_t *pairs = (const uint32_t *)row;
                for (int kb = 0; kb < kblocks; kb++) {
                    uint32_t *tile = block + (size_t)kb * 256;
                    for (int p = 0; p < 16; p++) tile[p * 16 + j] = pairs[kb * 16 + p];
                }
            } else {
                for (int kb = 0; kb < kblocks; kb++) {
                    uint32_t *tile = block + (size_t)kb * 256;
                    for (int p = 0; p < 16; p++) tile[p * 16 + j] = 0;
                }
            }
        }
    }
    free(row);
    return 1;
}

// Writes one 16×16 accumulator (rows: weight rows n.., columns: activation rows m..) into y, transposed, + bias
// (+ 0 without one, as the scalar loop did: a −0 sum is stored as +0). A column of the tile is gathered per output row.
__attribute__((target("avx512f"), always_inline))
static inline void store_block(const float *acc, float *y, int ldy, int n, int nvalid, int m, int mvalid, const float *bias) {
    const __m512i column = _mm512_setr_epi32(0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240);
    const __mmask16 mask = nvalid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nvalid) - 1);
    const __m512 b = bias ? _mm512_maskz_loadu_ps(mask, bias + n) : _mm512_setzero_ps();
    for (int j = 0; j < mvalid; j++) {
        __m512 v = _mm512_add_ps(_mm512_i32gather_ps(column, acc + j, 4), b);
        _mm512_mask_storeu_ps(y + (size_t)(m + j) * ldy + n, mask, v);
    }
}

// The four accumulators of activation block pair `mp` against a weight block of `nvalid` rows at n.
__attribute__((target("avx512f"), always_inline))
static inline void store_pair(const float *c, float *y, int ldy, int n, int nvalid, int mp, int M, const float *bias) {
    const int m = 32 * mp;
    const int mv0 = M - m < 16 ? M - m : 16;
    const int mv1 = M - m - 16 < 0 ? 0 : (M - m - 16 < 16 ? M - m - 16 : 16);
    const int nv0 = nvalid < 16 ? nvalid : 16, nv1 = nvalid - 16;
    store_block(c, y, ldy, n, nv0, m, mv0, bias);
    if (mv1 > 0) store_block(c + 256, y, ldy, n, nv0, m + 16, mv1, bias);
    if (nv1 > 0) {
        store_block(c + 512, y, ldy, n + 16, nv1, m, mv0, bias);
        if (mv1 > 0) store_block(c + 768, y, ldy, n + 16, nv1, m + 16, mv1, bias);
    }
}

/// Weight blocks (of 32 rows) per super-block: their K-pass slices are copied into a contiguous buffer (tile loads
/// at stride 64; read in place, rows K·2 bytes apart — 4 KB at K = 2048 — put all of a tile's rows in one L1 set)
/// and every activation block pair of the M group passes over all of them, so the activations stream from cache
/// once per super-block while each weight is read from memory once per group. Measured on the Xeon with AMX
/// (600 × 5632 × 2048 and 600 × 2048 × 5632, one thread; super-blocks × K blocks per pass): 1 × 16 (the previous loop
/// with the copy) 1.0–1.1× the in-place loop, 4 × 8 1.4–1.6×, 8 × 8 1.5–1.8×, 8 × 4 and 16 × 4 1.3×.
#define JK_AMX_SUPER 8
/// K blocks (of 32) per pass; accumulators go to memory between passes (f32, exact).
#define JK_AMX_KPASS 8
/// Fewest activation block pairs for which the weight slices are copied: with fewer, a weight tile is used too
/// few times to pay for its copy (64–255 rows ran 0.6–0.95× the in-place loop with the copy, 1.0–1.6× without).
#define JK_AMX_COPY_PAIRS 9
/// Most accumulator bytes per M group (group pairs × super-block × 4 KB): 32 pairs (1024 rows) at 8 blocks.
#define JK_AMX_ACC_BYTES (1u << 20)

// Tile ops of one (activation block pair, K range) step against weight tiles w0/w1 (K block kb at
// w + (kb − kb0)·wkstep, rows `wstride` bytes apart). Per K block the pieces' products are added in order hi, mid,
// lo; with only one activation block (`two` = 0) the missing block's products are skipped.
__attribute__((target("amx-tile,amx-bf16"), always_inline))
static inline void pair_pass(const uint16_t *w0, const uint16_t *w1, size_t wkstep, size_t wstride,
                             const uint16_t *const *packs, int pieces, size_t off0, size_t off1, int kb0, int kb1, int two) {
    for (int kb = kb0; kb < kb1; kb++) {
        _tile_loadd(4, w0 + (size_t)(kb - kb0) * wkstep, wstride);
        _tile_loadd(5, w1 + (size_t)(kb - kb0) * wkstep, wstride);
        for (int p = 0; p < pieces; p++) {
            _tile_loadd(6, packs[p] + off0 + (size_t)kb * 512, 64);
            _tile_dpbf16ps(0, 4, 6);
            _tile_dpbf16ps(2, 5, 6);
            if (two) {
                _tile_loadd(7, packs[p] + off1 + (size_t)kb * 512, 64);
                _tile_dpbf16ps(1, 4, 7);
                _tile_dpbf16ps(3, 5, 7);
            }
        }
    }
}

// The product over `pieces` packed activation operands (1: bf16 activations; 3: the hi/mid/lo bf16 parts of f32
// activations, jk_amx_pack_f32x3), all against the same weight tiles. Every output's accumulator starts at zero and
// takes the K blocks in order 0, 1, 2, … (per block the pieces in order) in one TDPBF16PS each, whatever the M
// group, the super-block, the K pass or [n0, n1): the blocking only changes where the f32 accumulator waits between
// steps (tiles or memory, both exact), never the sums, so results equal the unblocked loop's bit for bit.
// Work comes in units of (M group, super-block of [n0, n1)), in order; with `next` (shared by the threads of one
// product) each unit goes to whichever thread asks first, otherwise this call does all of them.
__attribute__((target("amx-tile,amx-bf16,avx512f")))
static int gemm_amx(const uint16_t *W, int K, const uint16_t *const *packs, int pieces, int M, float *y, int ldy,
                    int n0, int n1, const float *bias, int *next) {
    if (!jk_amx_available() || K % 32 != 0 || K <= 0 || M <= 0 || n1 <= n0) return 0;
    const int kblocks = K / 32, mblocks = (M + 15) / 16, mpairs = (mblocks + 1) / 2;
    const size_t stride = (size_t)K * 2;
    const int super = JK_AMX_SUPER, kpass = JK_AMX_KPASS;
    // All rows in one group (each weight read from memory once), or as few equal groups as keep the accumulators
    // within JK_AMX_ACC_BYTES.
    const int most = (int)(JK_AMX_ACC_BYTES / ((size_t)super * 4096)), groups = (mpairs + most - 1) / most;
    const int group = (mpairs + groups - 1) / groups;
    // Accumulators of a super-block for every activation block pair of a group: [pair][block][4 tiles][16 × 16].
    float *acc = scratch_take(&scratch_acc, (size_t)group * super * 4 * 256 * sizeof(float));
    // The K pass's slices of the super-block's weight blocks, [block][K block][2 halves][16 rows][32 values].
    uint16_t *slice = scratch_take(&scratch_slice, (size_t)super * kpass * 1024 * sizeof(uint16_t));
    // A weight block of fewer than 32 rows (the end of [n0, n1)) is read from a zero-padded copy: a tile load
    // never reads past the matrix.
    uint16_t *tail = NULL;
    if (!acc || !slice) return 0;
    jk_amx_configure_full_tiles();
    const int supers = (n1 - n0 + 32 * super - 1) / (32 * super), units = groups * supers;
    for (int unit = 0;; unit++) {
        if (next) unit = __atomic_fetch_add(next, 1, __ATOMIC_RELAXED);
        if (unit >= units) break;
        const int g0 = (unit / supers) * group, ns = n0 + (unit % supers) * 32 * super;
        if (g0 >= mpairs) continue;
        const int g1 = g0 + group < mpairs ? g0 + group : mpairs;
        const int blocks = (n1 - ns + 31) / 32 < super ? (n1 - ns + 31) / 32 : super;
        const uint16_t *wblock[JK_AMX_SUPER];
        int nvalid[JK_AMX_SUPER];
        for (int b = 0; b < blocks; b++) {
            const int n = ns + 32 * b;
            nvalid[b] = n1 - n < 32 ? n1 - n : 32;
            wblock[b] = W + (size_t)n * K;
            if (nvalid[b] < 32) {
                if (!tail) tail = aligned_alloc(64, (size_t)32 * K * 2);
                if (!tail) { _tile_release(); return 0; }
                memcpy(tail, wblock[b], (size_t)nvalid[b] * K * 2);
                memset(tail + (size_t)nvalid[b] * K, 0, (size_t)(32 - nvalid[b]) * K * 2);
                wblock[b] = tail;
            }
        }
        if (g1 - g0 < JK_AMX_COPY_PAIRS) {
            // Few activation block pairs: a weight tile is used too few times to pay for a copy, so it is read
            // in place, and the accumulators stay in their tiles over all of K.
            for (int b = 0; b < blocks; b++) {
                for (int mp = g0; mp < g1; mp++) {
                    const int mb = 2 * mp, two = mb + 1 < mblocks;
                    const size_t off0 = (size_t)mb * kblocks * 512, off1 = two ? off0 + (size_t)kblocks * 512 : off0;
                    float *c = acc + (size_t)(mp - g0) * 1024;
                    _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
                    pair_pass(wblock[b], wblock[b] + (size_t)16 * K, 32, stride, packs, pieces, off0, off1, 0, kblocks, two);
                    _tile_stored(0, c, 64); _tile_stored(1, c + 256, 64); _tile_stored(2, c + 512, 64); _tile_stored(3, c + 768, 64);
                    store_pair(c, y, ldy, ns + 32 * b, nvalid[b], mp, M, bias);
                }
            }
            continue;
        }
        for (int k0 = 0; k0 < kblocks; k0 += kpass) {
            const int k1 = k0 + kpass < kblocks ? k0 + kpass : kblocks, last = k1 == kblocks;
            for (int b = 0; b < blocks; b++) {
                uint16_t *dst = slice + (size_t)b * kpass * 1024;
                for (int kb = k0; kb < k1; kb++) {
                    _tile_loadd(4, wblock[b] + kb * 32, stride);
                    _tile_loadd(5, wblock[b] + (size_t)16 * K + kb * 32, stride);
                    _tile_stored(4, dst + (size_t)(kb - k0) * 1024, 64);
                    _tile_stored(5, dst + (size_t)(kb - k0) * 1024 + 512, 64);
                }
            }
            int pending = -1;   // the (pair, block) item whose final sums wait to be written
            for (int mp = g0; mp < g1; mp++) {
                const int mb = 2 * mp, two = mb + 1 < mblocks;
                const size_t off0 = (size_t)mb * kblocks * 512, off1 = two ? off0 + (size_t)kblocks * 512 : off0;
                for (int b = 0; b < blocks; b++) {
                    const int item = (mp - g0) * super + b;
                    float *c = acc + (size_t)item * 1024;
                    const uint16_t *w = slice + (size_t)b * kpass * 1024;
                    if (k0 == 0) { _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3); }
                    else { _tile_loadd(0, c, 64); _tile_loadd(1, c + 256, 64); _tile_loadd(2, c + 512, 64); _tile_loadd(3, c + 768, 64); }
                    pair_pass(w, w + 512, 1024, 64, packs, pieces, off0, off1, k0, k1, two);
                    _tile_stored(0, c, 64); _tile_stored(1, c + 256, 64); _tile_stored(2, c + 512, 64); _tile_stored(3, c + 768, 64);
                    // In the last pass the previous item's sums are final: written out while this item's tile
                    // products run.
                    if (last) {
                        if (pending >= 0) {
                            const int pb = pending % super;
                            store_pair(acc + (size_t)pending * 1024, y, ldy, ns + 32 * pb, nvalid[pb], g0 + pending / super, M, bias);
                        }
                        pending = item;
                    }
                }
            }
            if (last && pending >= 0) {
                const int pb = pending % super;
                store_pair(acc + (size_t)pending * 1024, y, ldy, ns + 32 * pb, nvalid[pb], g0 + pending / super, M, bias);
            }
        }
    }
    _tile_release();
    free(tail);
    return 1;
}

int jk_gemm_bf16_amx(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int n0, int n1,
                     const float *bias) {
    const uint16_t *packs[1] = { packed };
    return gemm_amx(W, K, packs, 1, M, y, ldy, n0, n1, bias, NULL);
}

int jk_gemm_bf16_amx_shared(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int N,
                            const float *bias, int *next) {
    const uint16_t *packs[1] = { packed };
    return gemm_amx(W, K, packs, 1, M, y, ldy, 0, N, bias, next);
}

int jk_gemm_f32x3_amx(const uint16_t *W, int K, const uint16_t *packed3, int M, float *y, int ldy, int n0, int n1,
                      const float *bias) {
    size_t count = jk_amx_packed_count(K, M);
    const uint16_t *packs[3] = { packed3, packed3 + count, packed3 + 2 * count };
    return gemm_amx(W, K, packs, 3, M, y, ldy, n0, n1, bias, NULL);
}

static inline uint16_t round_bf16(float f) {
    union { float f; uint32_t u; } v = { f };
    if ((v.u & 0x7F800000u) == 0x7F800000u) return (uint16_t)((v.u >> 16) | ((v.u & 0xFFFF) ? 0x40 : 0));
    return (uint16_t)((v.u + 0x7FFFu + ((v.u >> 16) & 1u)) >> 16);
}
static inline float widen_bf16(uint16_t h) { union { uint32_t u; float f; } v = { (uint32_t)h << 16 }; return v.f; }

void jk_amx_pack_f32x3(const float *x, int K, int M, uint16_t *packed3, uint16_t *scratch) {
    // x = hi + mid + lo with each part the bf16 rounding of what the previous parts left: 3 × 8 significant bits
    // cover f32's 24, so the parts carry x exactly but for residues below bf16's normal range (|x| < ~1e-31).
    size_t n = (size_t)M * K, count = jk_amx_packed_count(K, M);
    uint16_t *hi = scratch, *mid = scratch + n, *lo = scratch + 2 * n;
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        uint16_t h = round_bf16(v);
        float r1 = v - widen_bf16(h);
        uint16_t m = round_bf16(r1);
        float r2 = r1 - widen_bf16(m);
        hi[i] = h; mid[i] = m; lo[i] = round_bf16(r2);
    }
    jk_amx_pack(hi, K, M, packed3);
    jk_amx_pack(mid, K, M, packed3 + count);
    jk_amx_pack(lo, K, M, packed3 + 2 * count);
}

#else
int jk_amx_available(void) { return 0; }
void jk_amx_configure_full_tiles(void) {}
void jk_amx_pack(const uint16_t *x, int K, int M, uint16_t *packed) { (void)x; (void)K; (void)M; (void)packed; }
size_t jk_amx_packed_count(int K, int M) { return (size_t)((M + 15) / 16) * (size_t)(K / 32) * 512; }
int jk_amx_pack_f32(int level, const float *x, int K, int M, int mb0, int mb1, uint16_t *packed) {
    (void)level; (void)x; (void)K; (void)M; (void)mb0; (void)mb1; (void)packed;
    return 0;
}
int jk_gemm_bf16_amx(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int n0, int n1,
                     const float *bias) {
    (void)W; (void)K; (void)packed; (void)M; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
    return 0;
}
int jk_gemm_bf16_amx_shared(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int N,
                            const float *bias, int *next) {
    (void)W; (void)K; (void)packed; (void)M; (void)y; (void)ldy; (void)N; (void)bias; (void)next;
    return 0;
}
int jk_gemm_f32x3_amx(const uint16_t *W, int K, const uint16_t *packed3, int M, float *y, int ldy, int n0, int n1,
                      const float *bias) {
    (void)W; (void)K; (void)packed3; (void)M; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
    return 0;
}
void jk_amx_pack_f32x3(const float *x, int K, int M, uint16_t *packed3, uint16_t *scratch) {
    (void)x; (void)K; (void)M; (void)packed3; (void)scratch;
}
#endif
