// The generated bf16 GEMV kernels of gemv_bf16.c (tools/codegen/README.md explains their names), as the
// hand-written dispatch in gemv_bf16_dispatch.c calls them. Internal header: not part of the CKernels module.
// The list must match what the generator writes: a kernel declared here but not generated fails to link.
#ifndef JANUS_CKERNELS_GEMV_BF16_KERNELS_H
#define JANUS_CKERNELS_GEMV_BF16_KERNELS_H
#include <stdint.h>
#include <stddef.h>
#if defined(__x86_64__)
/// y[m*ldy + n] = sum_k x[m*ldx + k] * W[n*K + k] (+ bias[n]) for m < M (the kernel's row count) and n0 <= n < n1.
/// xe and xo: the M rows split by jk_split_even_odd (row stride JK_SPLIT_STRIDE(K)); half = K / 2. The elements past
/// the last whole vector of xe/xo (and an odd K's last one) are read from x.
typedef void (*jk_bf16_kernel)(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,
                               int half, float *y, int ldy, int n0, int n1, const float *bias);

#define JK_BF16_KERNEL(name)                                                                                        \
    __attribute__((visibility("hidden"))) void name(const uint16_t *W, int K, const float *x, int ldx,             \
                                                    const float *xe, const float *xo, int half, float *y, int ldy, \
                                                    int n0, int n1, const float *bias)
// AVX-512 F/BW (level 3): one to four activation rows.
JK_BF16_KERNEL(jk_bf16_z_m1);
JK_BF16_KERNEL(jk_bf16_z_m2);
JK_BF16_KERNEL(jk_bf16_z_m3);
JK_BF16_KERNEL(jk_bf16_z_m4);
// AVX2 + FMA (level 2): one to eight activation rows.
JK_BF16_KERNEL(jk_bf16_y_m1);
JK_BF16_KERNEL(jk_bf16_y_m2);
JK_BF16_KERNEL(jk_bf16_y_m3);
JK_BF16_KERNEL(jk_bf16_y_m4);
JK_BF16_KERNEL(jk_bf16_y_m5);
JK_BF16_KERNEL(jk_bf16_y_m6);
JK_BF16_KERNEL(jk_bf16_y_m7);
JK_BF16_KERNEL(jk_bf16_y_m8);
#undef JK_BF16_KERNEL
#endif
#endif
