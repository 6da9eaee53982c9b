#ifndef JANUS_CKERNELS_H
#define JANUS_CKERNELS_H
#include <stdint.h>
#include <stddef.h>
/// Which SIMD level the CPU supports (0 = portable C, 2 = AVX2+FMA+F16C, 3 = AVX-512F/BW).
int jk_cpu_level(void);
#endif
