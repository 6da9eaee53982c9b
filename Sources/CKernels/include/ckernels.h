#ifndef JANUS_CKERNELS_H
#define JANUS_CKERNELS_H
#include <stdint.h>
#include <stddef.h>

/// SIMD levels: 0 = portable C, 2 = AVX2 + FMA + F16C, 3 = AVX-512 F/BW.
int jk_cpu_level(void);

/// Weight element types for the products below (PyTorch layout: W is [N][K], row-major).
enum { JK_F32 = 0, JK_BF16 = 1, JK_F16 = 2 };

/// y[m*ldy + n] = sum_k x[m*ldx + k] * W[n*K + k] (+ bias[n]) for m < M (M <= 8) and n0 <= n < n1.
/// Streams each weight row once for all M rows, converting bf16/f16 to f32 in registers.
/// The reduction order of an output depends only on `level`, never on how [n0, n1) was split.
void jk_gemv(int level, int wtype, const void *W, int K, const float *x, int ldx, int M,
             float *y, int ldy, int n0, int n1, const float *bias);

/// Row stride of the split activations: K/2 plus 16 floats, so that rows 8 KB apart do not alias in L1.
#define JK_SPLIT_STRIDE(K) ((size_t)(K) / 2 + 16)

/// Splits M rows of x (row stride ldx) into even- and odd-indexed halves, each M rows of JK_SPLIT_STRIDE(K)
/// floats, for the bf16 kernels.
void jk_split_even_odd(const float *x, int ldx, int M, int K, float *xe, float *xo);

/// bf16 GEMV on pre-split activations (AVX-512 or AVX2 levels, 1 <= M <= 8). Returns 0 when no SIMD kernel
/// applies (the caller then uses jk_gemv).
int jk_gemv_bf16_split(int level, const uint16_t *W, int K, const float *x, int ldx, int M, const float *xe,
                       const float *xo, float *y, int ldy, int n0, int n1, const float *bias);

/// Converts rows [n0, n1) of W ([N][K], type wtype) to f32 into out (row-major, (n1-n0) x K).
void jk_convert_rows(int level, int wtype, const void *W, int K, int n0, int n1, float *out);

/// Converts `count` elements of type wtype to f32.
void jk_to_f32(int level, int wtype, const void *src, size_t count, float *out);

/// Sum of n floats, streamed at the given SIMD level (the read-bandwidth benchmark's kernel).
float jk_read_sum(int level, const float *p, size_t n);

/// One query row of one head against `total` cached keys and values (rows of `dim` values, f32 or — kv_bf16 —
/// bf16): out = softmax(scale · q·Kᵀ, hidden keys excluded) · V. `visible` is null (all keys) or `total` flags
/// (0 = hidden); `scores` is scratch for `total` floats. With no visible key the output is zeros.
void jk_attend_row(int level, const float *q, const void *keys, const void *values, int kv_bf16, int total, int dim,
                   float scale, const uint8_t *visible, float *scores, float *out);

/// jk_attend_row over keys and values held in two segments (a shared prompt prefix, then a row's own positions):
/// keys 0..<count0 from keys0/values0, keys count0..<total from keys1/values1 (their row 0 is key count0). The
/// same arithmetic in the same key order as one contiguous segment, so the result equals jk_attend_row's bit for bit.
void jk_attend_row_split(int level, const float *q, const void *keys0, const void *values0, int count0, const void *keys1,
                         const void *values1, int kv_bf16, int total, int dim, float scale, const uint8_t *visible,
                         float *scores, float *out);

/// `rows` consecutive query rows (q_stride floats apart) of one head: row r sees total + r keys of the two segments
/// (keys 0..<count0 from keys0/values0, the rest from keys1/values1), so a causal run of a prompt's rows is one call.
/// Each row's result equals jk_attend_row_split's with total + r bit for bit (four rows share each key and value
/// load). `scores`: 4 × scores_stride floats of scratch, scores_stride ≥ total + rows − 1; outputs out_stride floats apart.
void jk_attend_rows_split(int level, const float *q, size_t q_stride, int rows, const void *keys0, const void *values0, int count0,
                          const void *keys1, const void *values1, int kv_bf16, int total, int dim, float scale,
                          const uint8_t *visible, float *scores, size_t scores_stride, float *out, size_t out_stride);

/// jk_attend_rows_split, with `amx` != 0 and a bf16 cache (dim 128) on AMX tiles where the process may use them: the
/// queries rounded to bf16 and their dot products with the cached keys computed as tiles; the softmax and value sums
/// as jk_attend_rows_split's. A row's result does not depend on how rows are grouped into calls (one row or many).
void jk_attend_rows_split_amx(int level, int amx, const float *q, size_t q_stride, int rows, const void *keys0, const void *values0,
                              int count0, const void *keys1, const void *values1, int kv_bf16, int total, int dim, float scale,
                              const uint8_t *visible, float *scores, size_t scores_stride, float *out, size_t out_stride);

/// y = silu(x) (· mul when mul is not null) for n values; y may alias x.
void jk_silu(int level, const float *x, const float *mul, float *y, size_t n);

/// out[i] = x[i] rounded to bf16 (nearest, ties to even; NaN stays NaN) for n values.
void jk_round_bf16(int level, const float *x, uint16_t *out, size_t n);

/// y[i] = x[i] rounded as jk_round_bf16, as the f32 whose top half those bits are (low half zero); y may alias x.
void jk_round_bf16_f32(int level, const float *x, float *y, size_t n);

/// out[i] = bf16(even[i]) | bf16(odd[i]) << 16 (rounded as jk_round_bf16; odd may be null: zero high halves), the
/// channel-pair words jk_conv_bf16 reads.
void jk_pack_bf16_pairs(int level, const float *even, const float *odd, size_t n, uint32_t *out);

/// Mean and (biased) variance of n values, accumulated in double (fixed order for a given level and n).
void jk_group_moments(int level, const float *x, size_t n, double *mean, double *variance);

/// y[i] = x[i]·scale + shift, then (silu != 0) y = silu(y); y may alias x.
void jk_scale_shift(int level, const float *x, size_t n, float scale, float shift, int silu, float *y);

/// 1 when the CPU has AVX512_BF16 dot products (VDPBF16PS).
int jk_cpu_has_bf16_dot(void);

/// 1 on an AMD CPU (CPUID vendor "AuthenticAMD"): the key of the measured bf16 table in KernelDispatch.
int jk_cpu_is_amd(void);

/// One core's register-only rate, GFLOP/s, of VDPBF16PS (bf16_dot != 0; 64 flops each) or of VFMADD on zmm (32
/// flops each), over `iterations` × 12 instructions; 0 where the CPU lacks the instruction. For `janus-bench dotrate`.
double jk_cpu_peak_gflops(int bf16_dot, long iterations);

/// y[m*ldy + n] = sum_k xb[m*K + k] * W[n*K + k] (+ bias[n]) with bf16 activations and weights, f32 accumulation,
/// for m < M (any M) and n0 <= n < n1. Returns 0 (and does nothing) when the CPU lacks AVX512_BF16.
int jk_gemv_bf16_dot(const uint16_t *W, int K, const uint16_t *xb, int M, float *y, int ldy, int n0, int n1,
                     const float *bias);

/// jk_gemv_bf16_dot's outputs, bit for bit, blocked for many rows (cross-prompt batching's 16–128): weight rows 4
/// at a time with every activation row passing over them.
int jk_gemv_bf16_dot_many(const uint16_t *W, int K, const uint16_t *xb, int M, float *y, int ldy, int n0, int n1,
                          const float *bias);

/// Stride-1 convolution of one image with bf16 activations and weights (AVX512_BF16), f32 accumulation.
/// `grid`: the zero-padded input as `pairs` planes of `plane` 32-bit words, each word the bf16 values of channels
/// 2c (low half) and 2c+1 at one position of a grid with row pitch `wp`; every plane readable up to
/// p1 + 47 + (kh-1)·wp + kw-1 words. `w`: [kh·kw][cout][pairs] words, the same channel pairing.
/// Computes grid positions [p0, p1) (position p is output row p / wp, column p % wp; columns ≥ outW and rows ≥
/// outH are dropped) into out[cout][outH][outW] (+ bias). Returns 0 when the CPU lacks AVX512_BF16.
int jk_conv_bf16(const uint32_t *grid, size_t plane, int pairs, int wp, const uint32_t *w, int cout, int kh, int kw,
                 const float *bias, float *out, int outH, int outW, int p0, int p1);

/// A panel of `tokens` ≤ `panel` token rows of `words` 32-bit words (`ld` words apart) for the 1×1-convolution
/// products: dst[c·panel + t] = src[t·ld + c], zeros for tokens ≤ t < panel (panels.c).
void jk_token_panel(int level, const uint32_t *src, size_t ld, int tokens, int words, uint32_t *dst, int panel);
/// jk_token_panel of f32 rows rounded to bf16 on the way (as jk_round_bf16): `tokens` rows of 2·`pairs` floats,
/// `ld` floats apart → dst[c·panel + t] = bf16(src[t·ld + 2c]) | bf16(src[t·ld + 2c + 1]) << 16, zeros for
/// tokens ≤ t < panel; the words jk_token_panel makes from the rounded rows, without the rounded copy.
void jk_token_panel_bf16(int level, const float *src, size_t ld, int tokens, int pairs, uint32_t *dst, int panel);
/// jk_token_panel of f32 rows rounded to bf16 and widened back to f32 on the way (jk_round_bf16_f32's values):
/// the f32 kernels' panel for `--precision bf16` without the rounded copy.
void jk_token_panel_rounded_f32(int level, const float *src, size_t ld, int tokens, int words, uint32_t *dst, int panel);

/// Stride-1 convolution of one image with f32 activations and weights on AVX-512 FMAs (conv_f32.c). `grid`: the
/// zero-padded input as `cin` planes of `plane` floats with row pitch `wp`, each read only at positions
/// p0 ..< p1 shifted by the taps (up to (kh-1)·wp + kw-1). Computes grid positions [p0, p1) as jk_conv_bf16 does
/// into out[cout][outH][outW] (+ bias). `w`: weight row o (cin·kh·kw floats in PyTorch's order) at w + o·ldw.
/// With kh = kw = 1, outH = 1 and wp = outW it is a matrix product: out[o][p] =
/// Σ_c w[o][c]·grid[c·plane + p]. Returns 0 (and does nothing) below the AVX-512 level or with more than 64 taps.
int jk_conv_f32(const float *grid, size_t plane, int cin, int wp, const float *w, size_t ldw, int cout, int kh, int kw,
                const float *bias, float *out, int outH, int outW, int p0, int p1);

/// The 1×1 case of jk_conv_bf16 / jk_conv_f32 as a matrix product with token-major output: positions 0 ..< count of
/// the grid (one row) are tokens, and out[t·ld + o] = bias[o] + Σ_c w[o][c]·grid[c·plane + t] for o < cout (the
/// same sums, in the same order, as the channel-major kernels; `Linear`'s many-row products write their result rows
/// directly instead of transposing afterwards). Return 0 (and do nothing) where the channel-major kernel would.
int jk_conv_bf16_rows(const uint32_t *grid, size_t plane, int pairs, const uint32_t *w, int cout, const float *bias,
                      float *out, size_t ld, int count);
int jk_conv_f32_rows(const float *grid, size_t plane, int cin, const float *w, size_t ldw, int cout, const float *bias,
                     float *out, size_t ld, int count);

/// 1 when this process may use AMX bf16 tiles: the CPU has AMX-TILE and AMX-BF16 and Linux granted the tile state
/// (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), asked once per process).
int jk_amx_available(void);

/// Loads the tile configuration both AMX kernels use: palette 1, all eight tiles 16 rows × 64 bytes (x86-64 with
/// AMX only; call after jk_amx_available() returned 1, on the thread that runs the tile instructions).
void jk_amx_configure_full_tiles(void);

/// Values jk_amx_pack writes for M activation rows of width K (K a multiple of 32).
size_t jk_amx_packed_count(int K, int M);

/// Packs M rows of bf16 activations (row-major, width K, a multiple of 32) into AMX B tiles: blocks of 16 rows ×
/// 32 columns as 16 column pairs × 16 rows × 2 ("VNNI" order), rows past M zero.
void jk_amx_pack(const uint16_t *x, int K, int M, uint16_t *packed);

/// f32 activations rounded to bf16 (as jk_round_bf16 at `level`) and packed as jk_amx_pack does, for the 16-row
/// blocks [mb0, mb1) only (rows past M zero): disjoint block ranges can be packed in parallel. Returns 0 when out
/// of memory (or without AMX support in the build).
int jk_amx_pack_f32(int level, const float *x, int K, int M, int mb0, int mb1, uint16_t *packed);

/// y[m*ldy + n] = sum_k x[m][k] * W[n*K + k] (+ bias[n]) for m < M and n0 <= n < n1, with bf16 weights used in
/// place as AMX A tiles, activations packed by jk_amx_pack, f32 accumulation. Returns 0 (and does nothing) when
/// AMX is not available or K is not a multiple of 32.
int jk_gemm_bf16_amx(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int n0, int n1,
                     const float *bias);

/// jk_gemm_bf16_amx over all N weight rows, shared by the threads that call it with the same `next` (an int set
/// to 0 before the first call): each takes the next unit of 256 weight rows (× an M group) until none are left, so
/// a thread the machine delays leaves its share to the others. Each output is computed by one unit, in the same
/// order whatever the thread count, so results are those of jk_gemm_bf16_amx. Returns 0 as it does.
int jk_gemm_bf16_amx_shared(const uint16_t *W, int K, const uint16_t *packed, int M, float *y, int ldy, int N,
                            const float *bias, int *next);

/// f32 activations for the AMX product: each value split into three bf16 parts (hi + mid + lo = x, the bf16 rounding
/// of what the previous parts left), packed as jk_amx_pack does, one after the other (3 × jk_amx_packed_count values).
/// `scratch` holds 3·M·K values.
void jk_amx_pack_f32x3(const float *x, int K, int M, uint16_t *packed3, uint16_t *scratch);

/// jk_gemm_bf16_amx on the three parts of f32 activations (jk_amx_pack_f32x3): every product of a part and a bf16
/// weight is exact in f32 and the sums accumulate in f32, so the error is of f32 summation, like sgemm's.
int jk_gemm_f32x3_amx(const uint16_t *W, int K, const uint16_t *packed3, int M, float *y, int ldy, int n0, int n1,
                      const float *bias);

/// Max (average = 0) or average pooling (average = 1, dividing by the positions inside the plane:
/// count_include_pad=False) of `planes` consecutive h × w planes into oh × ow each, kernel k × k, stride s, padding p;
/// padded positions never win a max; a NaN in a window wins it. Sums and comparisons run in window order (y, then x),
/// the same bits at every level.
void jk_pool_planes(int level, const float *in, int planes, int h, int w, float *out, int oh, int ow, int k, int s, int p, int average);

/// im2col of one tile of a channel-major convolution: src [cin, batch, h, w]; output columns p0 ..< p0 + n of the
/// grid (image, oy, ox) of oh × ow; dst rows (c, i, j) of n values each (zero where the kernel reads padding).
void jk_im2col_channel_major(int level, const float *src, int cin, int batch, int h, int w, int kh, int kw, int sh, int sw,
                             int ph, int pw, int oh, int ow, long p0, int n, float *dst);

/// rows × n values at c (row pitch ldc): + bias[row], then, with relu, Swift's max(x, 0) (0 when 0 >= x).
void jk_bias_activation_rows(int level, float *c, long ldc, int rows, int n, const float *bias, int relu);

/// Values jk_conv_amx_pack_weights writes: ceil(cout/16) · kh·kw · ceil(cin/32) tiles of 16 × 32 bf16.
size_t jk_conv_amx_weight_count(int cout, int cin, int kh, int kw);

/// Packs bf16 convolution weights w [cout][cin][kh][kw] into the AMX A tiles jk_conv_amx reads, for channel tiles
/// [t0, t1) of 16 output channels: [tile][tap][32-channel block][16 rows][32], zero past cout and cin.
void jk_conv_amx_pack_weights(const uint16_t *w, int cout, int cin, int kh, int kw, int t0, int t1, uint16_t *packed);

/// Writes grid rows [g0, g1) of jk_conv_amx's grid for one image x [cin][height][width] (f32, rounded to bf16 as
/// jk_pack_bf16_pairs does): grid row g, line p (channels 2p, 2p + 1), column pad_left + c is word
/// grid[(g·lines + p)·pitch + pad_left + c] = input row g − pad_top; every other word of those rows (padding rows and
/// columns, columns up to the pitch, lines ≥ (cin+1)/2) is zero.
void jk_conv_amx_pack_grid(int level, const float *x, int cin, int height, int width, int pad_top, int pad_left,
                           int pitch, int lines, uint32_t *grid, int g0, int g1);

/// Stride-1 convolution of one image on AMX tiles (bf16 operands, f32 accumulation). `grid`: outH + kh − 1 rows of
/// `lines` (= 16·ceil(cin/32)) lines of `pitch` words (pitch ≥ 16·ceil(outW/16) + kw − 1 and ≥ the padded width), as
/// jk_conv_amx_pack_grid writes it, zero padded. `wpacked`: jk_conv_amx_pack_weights. Output tiles are 16 columns of
/// one output row, numbered row-major (ceil(outW/16) per row); computes tile pairs [q0, q1) (tiles 2q, 2q + 1) into
/// out[cout][outH][outW] (+ bias), `qblock` pairs per pass over the weights (a cache blocking; results do not
/// depend on it nor on the split). Returns 0 when AMX is not available (or memory ran out), 1 when done.
int jk_conv_amx(const uint32_t *grid, int lines, int pitch, const uint16_t *wpacked, int cin, int cout, int kh,
                int kw, const float *bias, float *out, int outH, int outW, int q0, int q1, int qblock);

/// A chunk of a parallel loop: called once per chunk index.
typedef void (*jk_chunk_fn)(void *ctx, int chunk);

/// Runs fn(ctx, c) for every c in [0, chunks) on up to `threads` threads (the caller takes chunk 0 and every
/// `threads`-th after it) and returns when all are done. Falls back to running them serially on the calling thread
/// when nested inside a job or while another thread's job is running.
void jk_parallel_run(int threads, int chunks, jk_chunk_fn fn, void *ctx);
/// Anonymous read-write memory of `size` bytes (a multiple of 2 MB) on a 2 MB boundary, marked for transparent huge
/// pages; NULL when `size` is not such a multiple or the kernel refuses. Untouched pages cost nothing.
void *jk_pages_map(size_t size);
void jk_pages_unmap(void *p, size_t size);
/// Moves the pages of [from, from + size) to [to, to + size) (replacing what was mapped there) without copying or
/// faulting them, and returns how many bytes from the start were moved: `size`, or less where the kernel refused
/// (the rest is still mapped at `from + moved`; that part of `to` keeps what was there).
size_t jk_pages_move(void *from, size_t size, void *to);

#endif
