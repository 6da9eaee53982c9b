// Token panels for the products that run on the convolution kernels as 1×1 convolutions (Linear.bf16GEMM: bf16
// channel-pair words; Linear.f32GEMM: f32 values): `tokens` rows of `words` 32-bit words, `ld` apart, become a
// panel [words][panel] — each word's values of the panel's tokens side by side, zeros past the last token. A copy:
// the same bits at every level; with AVX-512, 16 × 16 blocks are transposed in registers (the scalar gather read
// one word per token row for every word: ~7 % of a bf16 600-token prefill).
#include "ckernels.h"
#include "simd_math.h"

#if defined(__x86_64__)
__attribute__((target("avx512f")))
static void panel_avx512(const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel) {
    for (int t0 = 0; t0 < panel; t0 += 16) {
        const int rows = tokens - t0 <= 0 ? 0 : (tokens - t0 < 16 ? tokens - t0 : 16);
        for (int c0 = 0; c0 < words; c0 += 16) {
            const int cols = words - c0 < 16 ? words - c0 : 16;
            const __mmask16 m = (__mmask16)((1u << cols) - 1u);
            __m512i r[16];
            for (int j = 0; j < 16; j++)
                r[j] = j < rows ? _mm512_maskz_loadu_epi32(m, src + (size_t)(t0 + j) * ld + c0) : _mm512_setzero_si512();
            transpose16(r);
            for (int i = 0; i < cols; i++) _mm512_storeu_si512((void *)(dst + (size_t)(c0 + i) * panel + t0), r[i]);
        }
    }
}
#endif

void jk_token_panel(int level, const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel) {
#if defined(__x86_64__)
    if (level >= 3 && panel % 16 == 0) { panel_avx512(src, ld, tokens, words, dst, panel); return; }
#endif
    (void)level;
    for (int c = 0; c < words; c++) {
        uint32_t *row = dst + (size_t)c * panel;
        for (int t = 0; t < panel; t++) row[t] = t < tokens ? src[(size_t)t * ld + c] : 0u;
    }
}
