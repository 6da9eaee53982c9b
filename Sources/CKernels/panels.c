// Token panels for the products that run on the convolution kernels as 1×1 convolutions (Linear.bf16GEMM: bf16
// channel-pair words, rounded from the f32 rows as they are packed; Linear.f32GEMM: f32 values): `tokens` rows of
// `words` 32-bit words, `ld` apart, become a panel [words][panel] — each word's values of the panel's tokens side
// by side, zeros past the last token. The same bits at every level; with AVX-512, 16 × 16 blocks are transposed in
// registers (the scalar gather read one word per token row for every word: ~7 % of a bf16 600-token prefill).
#include "ckernels.h"
#include "simd_math.h"

#if defined(__x86_64__)
// The panels: 16 token rows of 16 words → 16 × 16 transposed in registers. `rounded` 1: the rows are f32 values, two
// per word, rounded to bf16 as they are loaded (word c = bf16(x[2c]) | bf16(x[2c + 1]) << 16: two 16-lane roundings
// narrowed and joined); 2: f32 values rounded to bf16 and widened back (jk_round_bf16_f32's values); 0: the words.
__attribute__((target("avx512f"), always_inline))
static inline void panel_rows_avx512(const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel, const int rounded) {
    for (int t0 = 0; t0 < panel; t0 += 16) {
        const int rows = tokens - t0 <= 0 ? 0 : (tokens - t0 < 16 ? tokens - t0 : 16);
        for (int c0 = 0; c0 < words; c0 += 16) {
            const int cols = words - c0 < 16 ? words - c0 : 16;
            const __mmask16 m = (__mmask16)((1u << cols) - 1u);
            const int lanes0 = 2 * cols < 16 ? 2 * cols : 16, lanes1 = 2 * cols - lanes0;
            const __mmask16 m0 = (__mmask16)((1u << lanes0) - 1u), m1 = (__mmask16)((1u << lanes1) - 1u);
            __m512i r[16];
            for (int j = 0; j < 16; j++) {
                if (j >= rows) { r[j] = _mm512_setzero_si512(); continue; }
                if (!rounded) { r[j] = _mm512_maskz_loadu_epi32(m, src + (size_t)(t0 + j) * ld + c0); continue; }
                if (rounded == 2) {   // f32 values rounded to bf16, kept as f32 (the low 16 bits cleared)
                    const __m512 v = _mm512_maskz_loadu_ps(m, (const float *)src + (size_t)(t0 + j) * ld + c0);
                    r[j] = _mm512_slli_epi32(bf16_round16(v), 16);
                    continue;
                }
                const float *x = (const float *)src + (size_t)(t0 + j) * ld + 2 * (size_t)c0;
                const __m256i lo = _mm512_cvtepi32_epi16(bf16_round16(_mm512_maskz_loadu_ps(m0, x)));
                const __m256i hi = _mm512_cvtepi32_epi16(bf16_round16(_mm512_maskz_loadu_ps(m1, x + 16)));
                r[j] = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
            }
            transpose16(r);
            for (int i = 0; i < cols; i++) _mm512_storeu_si512((void *)(dst + (size_t)(c0 + i) * panel + t0), r[i]);
        }
    }
}

// One compiled AVX-512 body per mode (the mode a compile-time constant inside each).
__attribute__((target("avx512f")))
static void panel_words_avx512(const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel) {
    panel_rows_avx512(src, ld, tokens, words, dst, panel, 0);
}

__attribute__((target("avx512f")))
static void panel_pairs_avx512(const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel) {
    panel_rows_avx512(src, ld, tokens, words, dst, panel, 1);
}

__attribute__((target("avx512f")))
static void panel_rounded_avx512(const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel) {
    panel_rows_avx512(src, ld, tokens, words, dst, panel, 2);
}
#endif

// Word c of token row `row` in `mode` (panel_rows_avx512's `rounded`), one value at a time: the scalar rule.
static inline uint32_t panel_word(const uint32_t *row, int c, int mode) {
    const float *x = (const float *)(const void *)row;
    if (mode == 0) return row[c];
    if (mode == 1) return (uint32_t)bf16_round_scalar(x[2 * c]) | (uint32_t)bf16_round_scalar(x[2 * c + 1]) << 16;
    return (uint32_t)bf16_round_scalar(x[c]) << 16;
}

static void token_panel(int level, const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel, int mode) {
#if defined(__x86_64__)
    if (level >= 3 && panel % 16 == 0) {
        if (mode == 0) panel_words_avx512(src, ld, tokens, words, dst, panel);
        else if (mode == 1) panel_pairs_avx512(src, ld, tokens, words, dst, panel);
        else panel_rounded_avx512(src, ld, tokens, words, dst, panel);
        return;
    }
#endif
    (void)level;
    for (int c = 0; c < words; c++) {
        uint32_t *row = dst + (size_t)c * panel;
        for (int t = 0; t < panel; t++) row[t] = t < tokens ? panel_word(src + (size_t)t * ld, c, mode) : 0u;
    }
}

void jk_token_panel(int level, const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel) {
    token_panel(level, src, ld, tokens, words, dst, panel, 0);
}

void jk_token_panel_bf16(int level, const float *src, size_t ld, int tokens, int pairs, uint32_t *dst, int panel) {
    token_panel(level, (const uint32_t *)(const void *)src, ld, tokens, pairs, dst, panel, 1);
}

void jk_token_panel_rounded_f32(int level, const float *src, size_t ld, int tokens, int words, uint32_t *dst, int panel) {
    token_panel(level, (const uint32_t *)(const void *)src, ld, tokens, words, dst, panel, 2);
}
