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

// Tiles 0–3: the 2×2 accumulators (weight block × activation block); 4–5: two weight tiles; 6–7: two activation tiles.
__attribute__((target("amx-tile")))
static void configure_tiles(void) {
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

// Writes one 16×16 accumulator (rows: weight rows n.., columns: activation rows m..) into y, transposed, + bias.
static inline void store_block(const float *acc, float *y, int ldy, int n, int nvalid, int m, int mvalid, const float *bias) {
    for (int j = 0; j < mvalid; j++) {
        float *dst = y + (size_t)(m + j) * ldy + n;
        for (int i = 0; i < nvalid; i++) dst[i] = acc[i * 16 + j] + (bias ? bias[n + i] : 0.0f);
    }
}

/// K blocks (of 32) per pass: the pass's slice of a 32-row weight block (32 × 16 × 32 × 2 = 32 KB) stays in L1 while
/// every activation block streams past it; accumulators go to memory between passes (f32, exact).
#define JK_AMX_KPASS 16

// The product over `pieces` packed activation operands (1: bf16 activations; 3: the hi/mid/lo bf16 parts of f32
// activations, jk_amx_pack_f32x3), all against the same weight tiles: per K block the pieces' products are added in
// order hi, mid, lo.
__attribute__((target("amx-tile,amx-bf16")))
static int gemm_amx(const uint16_t *W, int K, const uint16_t *const *packs, int pieces, int M, float *y, int ldy,
                    int n0, int n1, const float *bias) {
    if (!jk_amx_available() || K % 32 != 0 || K <= 0 || M <= 0 || n1 <= n0) return 0;
    const int kblocks = K / 32, mblocks = (M + 15) / 16, mpairs = (mblocks + 1) / 2;
    const size_t stride = (size_t)K * 2;
    // Accumulators of one 32-row weight block for every activation block pair: [mpair][4 tiles][16 × 16].
    float *acc = aligned_alloc(64, (size_t)mpairs * 4 * 256 * sizeof(float));
    // A weight block of fewer than 32 rows (the end of [n0, n1)) is read from a zero-padded copy: a tile load
    // never reads past the matrix.
    uint16_t *tail = NULL;
    if (!acc) return 0;
    configure_tiles();
    for (int n = n0; n < n1; n += 32) {
        int nvalid = n1 - n < 32 ? n1 - n : 32;
        const uint16_t *wblock = W + (size_t)n * K;
        if (nvalid < 32) {
            if (!tail) tail = aligned_alloc(64, (size_t)32 * K * 2);
            if (!tail) { _tile_release(); free(acc); return 0; }
            memcpy(tail, wblock, (size_t)nvalid * K * 2);
            memset(tail + (size_t)nvalid * K, 0, (size_t)(32 - nvalid) * K * 2);
            wblock = tail;
        }
        for (int k0 = 0; k0 < kblocks; k0 += JK_AMX_KPASS) {
            int k1 = k0 + JK_AMX_KPASS < kblocks ? k0 + JK_AMX_KPASS : kblocks;
            for (int mp = 0; mp < mpairs; mp++) {
                int mb = 2 * mp;
                const size_t off0 = (size_t)mb * kblocks * 512;
                const size_t off1 = mb + 1 < mblocks ? off0 + (size_t)kblocks * 512 : off0;
                float *c = acc + (size_t)mp * 1024;
                if (k0 == 0) { _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3); }
                else { _tile_loadd(0, c, 64); _tile_loadd(1, c + 256, 64); _tile_loadd(2, c + 512, 64); _tile_loadd(3, c + 768, 64); }
                for (int kb = k0; kb < k1; kb++) {
                    _tile_loadd(4, wblock + kb * 32, stride);
                    _tile_loadd(5, wblock + (size_t)16 * K + kb * 32, stride);
                    for (int p = 0; p < pieces; p++) {
                        _tile_loadd(6, packs[p] + off0 + (size_t)kb * 512, 64);
                        _tile_loadd(7, packs[p] + off1 + (size_t)kb * 512, 64);
                        _tile_dpbf16ps(0, 4, 6);
                        _tile_dpbf16ps(1, 4, 7);
                        _tile_dpbf16ps(2, 5, 6);
                        _tile_dpbf16ps(3, 5, 7);
                    }
                }
                _tile_stored(0, c, 64); _tile_stored(1, c + 256, 64); _tile_stored(2, c + 512, 64); _tile_stored(3, c + 768, 64);
            }
        }
        for (int mp = 0; mp < mpairs; mp++) {
            const float *c = acc + (size_t)mp * 1024;
            int m = 32 * mp;
            int mv0 = M - m < 16 ? M - m : 16;
            int mv1 = M - m - 16 < 0 ? 0 : (M - m - 16 < 16 ? M - m - 16 : 16);
            int nv0 = nvalid < 16 ? nvalid : 16, nv1 = nvalid - 16;
            store_block(c, y, ldy, n, nv0, m, mv0, bias);
            if (mv1 > 0) store_block(c + 256, y, ldy, n, nv0, m + 16, mv1, bias);
            if (nv1 > 0) {
                store_block(c + 512, y, ldy, n + 16, nv1, m, mv0, bias);
                if (mv1 > 0) store_block(c + 768, y, ldy, n + 16, nv1, m + 16, mv1, bias);
            }
        }
    }
    _tile_release();
    free(tail);
    free(acc);
    return 1;
}

int jk_gemm_bf16_amx(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int n0, int n1,
                     const float *bias) {
    const uint16_t *packs[1] = { packed };
    return gemm_amx(W, K, packs, 1, M, y, ldy, n0, n1, bias);
}

int jk_gemm_f32x3_amx(const uint16_t *W, int K, const uint16_t *packed3, int M, float *y, int ldy, int n0, int n1,
                      const float *bias) {
    size_t count = jk_amx_packed_count(K, M);
    const uint16_t *packs[3] = { packed3, packed3 + count, packed3 + 2 * count };
    return gemm_amx(W, K, packs, 3, M, y, ldy, n0, n1, bias);
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
void jk_amx_pack(const uint16_t *x, int K, int M, uint16_t *packed) { (void)x; (void)K; (void)M; (void)packed; }
size_t jk_amx_packed_count(int K, int M) { return (size_t)((M + 15) / 16) * (size_t)(K / 32) * 512; }
int jk_gemm_bf16_amx(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int n0, int n1,
                     const float *bias) {
    (void)W; (void)K; (void)packed; (void)M; (void)y; (void)ldy; (void)n0; (void)n1; (void)bias;
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
