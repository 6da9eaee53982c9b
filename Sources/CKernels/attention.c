// Decode attention for one query row of one head against its KV cache: memory-bound streaming of the cached
// keys and values (at a 600-token context, 8 guidance rows read ~1.9 GB of f32 cache per step — as much as the
// weights). Replaces two tiny sgemm calls and a scalar-exp softmax per (row, head).
#include <math.h>
#include <string.h>
#include <stdlib.h>
#include "ckernels.h"
#include "simd_math.h"
#if defined(__x86_64__)

// 16 cached values from element i of a row, f32 or bf16 (widened: a bf16 value is the top half of an f32).
__attribute__((target("avx512f"), always_inline))
static inline __m512 load_kv16(const void *row, int i, int bf16) {
    if (bf16) return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)((const uint16_t *)row + i))), 16));
    return _mm512_loadu_ps((const float *)row + i);
}

// Scores → exp(score − max) in place; returns 1 / their sum (hidden keys weigh exactly zero).
__attribute__((target("avx512f"), always_inline))
static inline float softmax_weights(float *scores, int total, const uint8_t *visible, float m) {
    __m512 sum = _mm512_setzero_ps(), mv = _mm512_set1_ps(m);
    int j = 0;
    for (; j + 16 <= total; j += 16) {
        __m512 e = exp512(_mm512_sub_ps(_mm512_loadu_ps(scores + j), mv));
        _mm512_storeu_ps(scores + j, e);
        sum = _mm512_add_ps(sum, e);
    }
    float tail = 0;
    for (; j < total; j++) { scores[j] = expf(scores[j] - m); tail += scores[j]; }
    float total_sum = _mm512_reduce_add_ps(sum) + tail;
    if (visible)  // hidden keys weigh exactly zero (the clamped exponent leaves at most a denormal)
        for (int t = 0; t < total; t++) if (!visible[t]) { total_sum -= scores[t]; scores[t] = 0.0f; }
    return 1.0f / total_sum;
}

__attribute__((target("avx512f"), always_inline))
static inline void accumulate_values(const float *scores, float inv, const void *values0, int count0, const void *values1,
                                     int total, int dim, int c, const int vecs, float *out, const int bf16) {
    const size_t element = bf16 ? 2 : 4;
    __m512 acc[8];
    for (int v = 0; v < vecs; v++) acc[v] = _mm512_setzero_ps();
    // Keys 0..<count0 from the first segment, the rest from the second: one accumulation in key order.
    for (int t = 0; t < total; t++) {
        const float p = scores[t] * inv;
        if (p == 0.0f) continue;
        const __m512 pv = _mm512_set1_ps(p);
        const char *row = t < count0 ? (const char *)values0 + ((size_t)t * dim + c) * element
                                     : (const char *)values1 + ((size_t)(t - count0) * dim + c) * element;
        for (int v = 0; v < vecs; v++) acc[v] = _mm512_fmadd_ps(pv, load_kv16(row, 16 * v, bf16), acc[v]);
    }
    for (int v = 0; v < vecs; v++) _mm512_storeu_ps(out + c + 16 * v, acc[v]);
}

__attribute__((target("avx512f"), always_inline))
static inline void attend_avx512(const float *q, const void *keys0, const void *values0, int count0, const void *keys1,
                                 const void *values1, int total, int dim, float scale, const uint8_t *visible, float *scores,
                                 float *out, const int bf16) {
    const size_t element = bf16 ? 2 : 4;
    float m = -INFINITY;
    for (int j = 0; j < total; j++) {
        if (visible && !visible[j]) { scores[j] = -INFINITY; continue; }
        const char *k = j < count0 ? (const char *)keys0 + (size_t)j * dim * element
                                   : (const char *)keys1 + (size_t)(j - count0) * dim * element;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        int i = 0;
        for (; i + 32 <= dim; i += 32) {
            a0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), load_kv16(k, i, bf16), a0);
            a1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16), load_kv16(k, i + 16, bf16), a1);
        }
        for (; i < dim; i += 16) a0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), load_kv16(k, i, bf16), a0);
        float s = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1)) * scale;
        scores[j] = s;
        if (s > m) m = s;
    }
    if (m == -INFINITY) { memset(out, 0, sizeof(float) * (size_t)dim); return; }
    const float inv = softmax_weights(scores, total, visible, m);
    // out = Σ_j p_j · V_j with the probabilities normalised first (as softmax then a product does), in blocks of
    // 128 columns; a full block has a constant trip count so its 8 accumulators stay in registers (with a runtime
    // count they lived on the stack: 17.5 vs 7.3 ms per guidance step's 484 MB of bf16 cache).
    for (int c = 0; c < dim; c += 128) {
        const int width = dim - c < 128 ? dim - c : 128;
        if (width == 128) accumulate_values(scores, inv, values0, count0, values1, total, dim, c, 8, out, bf16);
        else accumulate_values(scores, inv, values0, count0, values1, total, dim, c, width / 16, out, bf16);
    }
}

__attribute__((target("avx512f")))
static void attend_avx512_f32(const float *q, const void *k, const void *v, int n0, const void *k1, const void *v1, int total,
                              int dim, float scale, const uint8_t *visible, float *scores, float *out) {
    // Every Janus head is 128 wide: a constant width unrolls the key products.
    if (dim == 128) attend_avx512(q, k, v, n0, k1, v1, total, 128, scale, visible, scores, out, 0);
    else attend_avx512(q, k, v, n0, k1, v1, total, dim, scale, visible, scores, out, 0);
}

__attribute__((target("avx512f")))
static void attend_avx512_bf16(const float *q, const void *k, const void *v, int n0, const void *k1, const void *v1, int total,
                               int dim, float scale, const uint8_t *visible, float *scores, float *out) {
    // Every Janus head is 128 wide: a constant width unrolls the key products.
    if (dim == 128) attend_avx512(q, k, v, n0, k1, v1, total, 128, scale, visible, scores, out, 1);
    else attend_avx512(q, k, v, n0, k1, v1, total, dim, scale, visible, scores, out, 1);
}
// Several consecutive query rows of one head at once (a prompt's rows in prefill, a flow step's latent rows): row r
// sees `total + r` keys. Each key's vectors are loaded and widened once for four rows, and each value row once for
// four rows' sums; every row's arithmetic — its dot products' FMA order and reduction, its max, exponentials, sum,
// and its value sums in key order (a zero weight skipped) — is the single-row kernel's, so each row's result
// equals jk_attend_row_split's bit for bit, however the rows are grouped.
__attribute__((target("avx512f"), always_inline))
static inline void attend_rows4_128(const float *q, size_t qstride, int n, const void *keys0, const void *values0, int count0,
                                    const void *keys1, const void *values1, int shared, float scale, const uint8_t *visible,
                                    float *scores, size_t sstride, float *out, size_t ostride, const int bf16, const int given) {
    enum { dim = 128 };
    const size_t element = bf16 ? 2 : 4;
    float m[4] = { -INFINITY, -INFINITY, -INFINITY, -INFINITY };
    int totals[4];
    for (int r = 0; r < 4; r++) totals[r] = r < n ? shared + r + 1 : 0;
    const int longest = shared + n;
    for (int j = 0; j < longest; j++) {
        if (visible && !visible[j]) {
            for (int r = 0; r < n; r++) if (j < totals[r]) scores[r * sstride + j] = -INFINITY;
            continue;
        }
        if (given) {   // the scaled dot products are in `scores` already (attention_scores_amx)
            for (int r = 0; r < n; r++) if (j < totals[r] && scores[r * sstride + j] > m[r]) m[r] = scores[r * sstride + j];
            continue;
        }
        const char *k = j < count0 ? (const char *)keys0 + (size_t)j * dim * element
                                   : (const char *)keys1 + (size_t)(j - count0) * dim * element;
        if (j < shared && n == 4) {
            __m512 a0[4], a1[4];
            for (int r = 0; r < 4; r++) { a0[r] = _mm512_setzero_ps(); a1[r] = _mm512_setzero_ps(); }
            for (int i = 0; i < dim; i += 32) {
                const __m512 k0 = load_kv16(k, i, bf16), k1 = load_kv16(k, i + 16, bf16);
                for (int r = 0; r < 4; r++) {
                    a0[r] = _mm512_fmadd_ps(_mm512_loadu_ps(q + r * qstride + i), k0, a0[r]);
                    a1[r] = _mm512_fmadd_ps(_mm512_loadu_ps(q + r * qstride + i + 16), k1, a1[r]);
                }
            }
            for (int r = 0; r < 4; r++) {
                const float v = _mm512_reduce_add_ps(_mm512_add_ps(a0[r], a1[r])) * scale;
                scores[r * sstride + j] = v;
                if (v > m[r]) m[r] = v;
            }
        } else {
            for (int r = 0; r < n; r++) {
                if (j >= totals[r]) continue;
                const float *qr = q + r * qstride;
                __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
                for (int i = 0; i < dim; i += 32) {
                    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(qr + i), load_kv16(k, i, bf16), a0);
                    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(qr + i + 16), load_kv16(k, i + 16, bf16), a1);
                }
                const float v = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1)) * scale;
                scores[r * sstride + j] = v;
                if (v > m[r]) m[r] = v;
            }
        }
    }
    float inv[4] = { 0, 0, 0, 0 };
    for (int r = 0; r < n; r++) {
        if (m[r] == -INFINITY) { memset(out + r * ostride, 0, sizeof(float) * dim); totals[r] = 0; continue; }
        inv[r] = softmax_weights(scores + r * sstride, totals[r], visible, m[r]);
    }
    // Value sums in blocks of 64 columns: 4 rows × 4 accumulators stay in registers with the 4 value vectors.
    for (int c = 0; c < dim; c += 64) {
        __m512 acc[4][4];
        for (int r = 0; r < 4; r++) for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_ps();
        for (int t = 0; t < longest; t++) {
            const char *row = t < count0 ? (const char *)values0 + ((size_t)t * dim + c) * element
                                         : (const char *)values1 + ((size_t)(t - count0) * dim + c) * element;
            __m512 vv[4];
            for (int v = 0; v < 4; v++) vv[v] = load_kv16(row, 16 * v, bf16);
            for (int r = 0; r < 4; r++) {
                const float p = t < totals[r] ? scores[r * sstride + t] * inv[r] : 0.0f;
                const __mmask16 use = p == 0.0f ? 0 : 0xFFFF;
                const __m512 pv = _mm512_set1_ps(p);
                for (int v = 0; v < 4; v++) acc[r][v] = _mm512_mask3_fmadd_ps(pv, vv[v], acc[r][v], use);
            }
        }
        for (int r = 0; r < n; r++)
            if (totals[r] > 0) for (int v = 0; v < 4; v++) _mm512_storeu_ps(out + r * ostride + c + 16 * v, acc[r][v]);
    }
}

__attribute__((target("avx512f")))
static void attend_rows_avx512(const float *q, size_t qstride, int rows, const void *keys0, const void *values0, int count0,
                               const void *keys1, const void *values1, int total, float scale, const uint8_t *visible,
                               float *scores, size_t sstride, float *out, size_t ostride, int bf16) {
    for (int r = 0; r < rows; r += 4) {
        const int n = rows - r < 4 ? rows - r : 4;
        // Rows r + i (i < n) see total + r + i keys; `shared` = total + r − 1, so row i's are shared + i + 1.
        const int shared = total + r - 1;
        if (bf16) attend_rows4_128(q + (size_t)r * qstride, qstride, n, keys0, values0, count0, keys1, values1, shared, scale,
                                   visible, scores, sstride, out + (size_t)r * ostride, ostride, 1, 0);
        else attend_rows4_128(q + (size_t)r * qstride, qstride, n, keys0, values0, count0, keys1, values1, shared, scale,
                              visible, scores, sstride, out + (size_t)r * ostride, ostride, 0, 0);
    }
}

#if defined(__linux__)
// Scaled dot products of up to 16 query rows with keys 0..<keys of a bf16 cache (key j at keys0 row j below count0,
// else keys1 row j − count0; 128 values per row) on AMX tiles: scores[r·sstride + j] = (bf16(q_r) · k_j) · scale.
// Sᵀ = K·Qᵀ: the cached key rows are the A tiles as stored (16 keys × 32 values, rows 256 bytes apart), the rounded
// queries the B tiles (pairs of values × 16 rows), so nothing the size of the cache is packed; each 16 × 16 result
// tile is transposed in registers into the rows' score lines. Every score sums its 128 products in the same order
// (32-value tiles in order, pairs in order) whichever rows and keys share its tiles, so a row's scores do not
// depend on how rows are grouped into calls.
__attribute__((target("amx-tile,amx-bf16,avx512f")))
static int attention_scores_amx(int level, const float *q, size_t qstride, int rows, const uint16_t *keys0, int count0,
                                const uint16_t *keys1, int keys, float scale, float *scores, size_t sstride) {
    enum { dim = 128 };
    uint16_t rounded[16 * dim] __attribute__((aligned(64)));
    uint32_t packed[4][16][16] __attribute__((aligned(64)));   // [32-value tile][pair][row]
    uint16_t gathered[16 * dim] __attribute__((aligned(64)));  // a key block across the segments, or the last one
    float c[16][16] __attribute__((aligned(64)));
    memset(rounded, 0, sizeof rounded);
    for (int r = 0; r < rows; r++) jk_round_bf16(level, q + (size_t)r * qstride, rounded + r * dim, dim);
    const uint32_t *words = (const uint32_t *)rounded;
    for (int t = 0; t < 4; t++) for (int p = 0; p < 16; p++) for (int r = 0; r < 16; r++) packed[t][p][r] = words[r * (dim / 2) + 16 * t + p];
    jk_amx_configure_full_tiles();
    _tile_loadd(0, packed[0], 64);
    _tile_loadd(1, packed[1], 64);
    _tile_loadd(2, packed[2], 64);
    _tile_loadd(3, packed[3], 64);
    const __m512 sv = _mm512_set1_ps(scale);
    for (int j0 = 0; j0 < keys; j0 += 16) {
        const int m = keys - j0 < 16 ? keys - j0 : 16;
        const uint16_t *a;
        if (j0 + 16 <= count0) a = keys0 + (size_t)j0 * dim;
        else if (j0 >= count0 && m == 16) a = keys1 + (size_t)(j0 - count0) * dim;
        else {
            for (int i = 0; i < 16; i++) {
                const int j = j0 + i;
                if (i >= m) memset(gathered + i * dim, 0, dim * 2);
                else memcpy(gathered + i * dim, j < count0 ? keys0 + (size_t)j * dim : keys1 + (size_t)(j - count0) * dim, dim * 2);
            }
            a = gathered;
        }
        _tile_zero(5);
        _tile_loadd(4, a, dim * 2);
        _tile_dpbf16ps(5, 4, 0);
        _tile_loadd(4, a + 32, dim * 2);
        _tile_dpbf16ps(5, 4, 1);
        _tile_loadd(4, a + 64, dim * 2);
        _tile_dpbf16ps(5, 4, 2);
        _tile_loadd(4, a + 96, dim * 2);
        _tile_dpbf16ps(5, 4, 3);
        _tile_stored(5, c, 64);
        __m512i v[16];
        for (int i = 0; i < 16; i++) v[i] = _mm512_load_si512((const void *)c[i]);
        transpose16(v);   // v[r] = row r's scores for keys j0 … j0 + 15
        const __mmask16 valid = (__mmask16)((1u << m) - 1);
        for (int r = 0; r < rows; r++)
            _mm512_mask_storeu_ps(scores + (size_t)r * sstride + j0, valid, _mm512_mul_ps(_mm512_castsi512_ps(v[r]), sv));
    }
    _tile_release();
    return 1;
}

// Grow-only per-thread scores for 16 rows (the AMX path's block).
static __thread float *amx_scores;
static __thread size_t amx_scores_count;

// jk_attend_rows_split with bf16 keys on AMX (see attention_scores_amx); the softmax and value sums are
// attend_rows4_128's on the given scores. Returns 0 (nothing done) without AMX.
__attribute__((target("avx512f")))
static int attend_rows_amx(int level, const float *q, size_t qstride, int rows, const void *keys0, const void *values0, int count0,
                           const void *keys1, const void *values1, int total, float scale, const uint8_t *visible, float *out,
                           size_t ostride) {
    if (!jk_amx_available()) return 0;
    const size_t sstride = ((size_t)(total + rows - 1) + 15) / 16 * 16;
    if (amx_scores_count < 16 * sstride) {
        free(amx_scores);
        amx_scores = aligned_alloc(64, 16 * sstride * sizeof(float));
        amx_scores_count = amx_scores ? 16 * sstride : 0;
        if (!amx_scores) return 0;
    }
    for (int r0 = 0; r0 < rows; r0 += 16) {
        const int block = rows - r0 < 16 ? rows - r0 : 16;
        // The block's last row sees total + r0 + block − 1 keys.
        attention_scores_amx(level, q + (size_t)r0 * qstride, qstride, block, (const uint16_t *)keys0, count0,
                             (const uint16_t *)keys1, total + r0 + block - 1, scale, amx_scores, sstride);
        for (int r = 0; r < block; r += 4) {
            const int n = block - r < 4 ? block - r : 4;
            attend_rows4_128(q + (size_t)(r0 + r) * qstride, qstride, n, keys0, values0, count0, keys1, values1, total + r0 + r - 1,
                             scale, visible, amx_scores + (size_t)r * sstride, sstride, out + (size_t)(r0 + r) * ostride, ostride, 1, 1);
        }
    }
    return 1;
}
#endif
#endif

static inline float kv_value(const void *base, size_t i, int bf16) {
    if (bf16) { uint32_t b = (uint32_t)((const uint16_t *)base)[i] << 16; float f; memcpy(&f, &b, 4); return f; }
    return ((const float *)base)[i];
}

static void attend_portable(const float *q, const void *keys0, const void *values0, int count0, const void *keys1,
                            const void *values1, int total, int dim, float scale, const uint8_t *visible, float *scores,
                            float *out, int bf16) {
    float m = -INFINITY;
    for (int j = 0; j < total; j++) {
        if (visible && !visible[j]) { scores[j] = -INFINITY; continue; }
        float s = 0;
        const void *keys = j < count0 ? keys0 : keys1;
        const size_t row = j < count0 ? (size_t)j : (size_t)(j - count0);
        for (int i = 0; i < dim; i++) s += q[i] * kv_value(keys, row * dim + i, bf16);
        scores[j] = s * scale;
        if (scores[j] > m) m = scores[j];
    }
    memset(out, 0, sizeof(float) * (size_t)dim);
    if (m == -INFINITY) return;
    float sum = 0;
    for (int j = 0; j < total; j++) { scores[j] = expf(scores[j] - m); sum += scores[j]; }
    for (int j = 0; j < total; j++) {
        const float p = scores[j] / sum;
        const void *values = j < count0 ? values0 : values1;
        const size_t row = j < count0 ? (size_t)j : (size_t)(j - count0);
        for (int i = 0; i < dim; i++) out[i] += p * kv_value(values, row * dim + i, bf16);
    }
}

void jk_attend_row_split(int level, const float *q, const void *keys0, const void *values0, int count0, const void *keys1,
                         const void *values1, int kv_bf16, int total, int dim, float scale, const uint8_t *visible,
                         float *scores, float *out) {
    if (count0 > total) count0 = total;
#if defined(__x86_64__)
    if (level >= 3 && dim % 16 == 0) {
        if (kv_bf16) attend_avx512_bf16(q, keys0, values0, count0, keys1, values1, total, dim, scale, visible, scores, out);
        else attend_avx512_f32(q, keys0, values0, count0, keys1, values1, total, dim, scale, visible, scores, out);
        return;
    }
#endif
    attend_portable(q, keys0, values0, count0, keys1, values1, total, dim, scale, visible, scores, out, kv_bf16);
}

void jk_attend_row(int level, const float *q, const void *keys, const void *values, int kv_bf16, int total, int dim,
                   float scale, const uint8_t *visible, float *scores, float *out) {
    jk_attend_row_split(level, q, keys, values, total, keys, values, kv_bf16, total, dim, scale, visible, scores, out);
}

void jk_attend_rows_split(int level, const float *q, size_t q_stride, int rows, const void *keys0, const void *values0, int count0,
                          const void *keys1, const void *values1, int kv_bf16, int total, int dim, float scale,
                          const uint8_t *visible, float *scores, size_t scores_stride, float *out, size_t out_stride) {
    jk_attend_rows_split_amx(level, 0, q, q_stride, rows, keys0, values0, count0, keys1, values1, kv_bf16, total, dim, scale, visible,
                             scores, scores_stride, out, out_stride);
}

void jk_attend_rows_split_amx(int level, int amx, const float *q, size_t q_stride, int rows, const void *keys0, const void *values0,
                              int count0, const void *keys1, const void *values1, int kv_bf16, int total, int dim, float scale,
                              const uint8_t *visible, float *scores, size_t scores_stride, float *out, size_t out_stride) {
#if defined(__x86_64__)
    if (level >= 3 && dim == 128) {
        if (count0 > total + rows - 1) count0 = total + rows - 1;
#if defined(__linux__)
        if (amx && kv_bf16 && attend_rows_amx(level, q, q_stride, rows, keys0, values0, count0, keys1, values1, total, scale, visible,
                                              out, out_stride)) return;
#endif
        attend_rows_avx512(q, q_stride, rows, keys0, values0, count0, keys1, values1, total, scale, visible, scores,
                           scores_stride, out, out_stride, kv_bf16);
        return;
    }
#endif
    for (int r = 0; r < rows; r++)
        jk_attend_row_split(level, q + (size_t)r * q_stride, keys0, values0, count0, keys1, values1, kv_bf16, total + r, dim,
                            scale, visible, scores, out + (size_t)r * out_stride);
}
