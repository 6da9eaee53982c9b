#include "ckernels.h"
int jk_cpu_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) return 3;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) return 2;
#endif
    return 0;
}

#if defined(__x86_64__)
#include <cpuid.h>
#endif
int jk_cpu_has_bf16_dot(void) {
#if defined(__x86_64__)
    // AVX512_BF16 (VDPBF16PS): CPUID leaf 7, sub-leaf 1, EAX bit 5; needs AVX-512 F/BW as well. Asked once:
    // CPUID traps to the hypervisor on a VM (microseconds), and the kernels ask on every call.
    static int cached = -1;
    int known = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (known >= 0) return known;
    unsigned a, b, c, d;
    known = (jk_cpu_level() >= 3 && __get_cpuid_count(7, 1, &a, &b, &c, &d)) ? (int)((a >> 5) & 1) : 0;
    __atomic_store_n(&cached, known, __ATOMIC_RELAXED);
    return known;
#else
    return 0;
#endif
}
