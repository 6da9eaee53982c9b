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

/// Converts rows [n0, n1) of W ([N][K], type wtype) to f32 into out (row-major, (n1-n0) x K).
void jk_convert_rows(int level, int wtype, const void *W, int K, int n0, int n1, float *out);

/// Converts `count` elements of type wtype to f32.
void jk_to_f32(int level, int wtype, const void *src, size_t count, float *out);
#endif
