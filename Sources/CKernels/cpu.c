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

int jk_cpu_is_amd(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    // "AuthenticAMD" in EBX, EDX, ECX.
    return b == 0x68747541u && d == 0x69746e65u && c == 0x444d4163u;
#else
    return 0;
#endif
}

#if defined(__x86_64__)
#include <immintrin.h>
#include <time.h>
static double jk_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// Twelve independent accumulators hide either instruction's latency; the asm keeps the loop from being folded.
// `STEP(acc)` is one instruction on one accumulator; the loop times `iterations` rounds of twelve.
#define RATE_LOOP(STEP)                                                                          \
    __m512 acc[12];                                                                              \
    for (int i = 0; i < 12; i++) acc[i] = _mm512_set1_ps((float)i);                               \
    double t = jk_now();                                                                          \
    for (long k = 0; k < iterations; k++) {                                                       \
        _Pragma("GCC unroll 12") for (int i = 0; i < 12; i++) acc[i] = STEP(acc[i]);             \
        __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[6]), "+v"(acc[11]));                        \
    }                                                                                             \
    t = jk_now() - t;                                                                             \
    volatile float sink = 0;                                                                      \
    for (int i = 0; i < 12; i++) sink += _mm512_reduce_add_ps(acc[i]);                            \
    return t;

__attribute__((target("avx512f,avx512bf16")))
static double dot_seconds(long iterations) {
    const __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3f81);
#define DOT(x) _mm512_dpbf16_ps(x, a, b)
    RATE_LOOP(DOT)
#undef DOT
}

__attribute__((target("avx512f,fma")))
static double fma_seconds(long iterations) {
    const __m512 a = _mm512_set1_ps(1.0001f), b = _mm512_set1_ps(0.9999f);
#define FMA(x) _mm512_fmadd_ps(x, a, b)
    RATE_LOOP(FMA)
#undef FMA
}
#endif

double jk_cpu_peak_gflops(int bf16_dot, long iterations) {
#if defined(__x86_64__)
    if (jk_cpu_level() < 3) return 0;
    // 64 flops per VDPBF16PS (32 bf16 pairs), 32 per zmm FMA.
    if (bf16_dot) return jk_cpu_has_bf16_dot() ? (double)iterations * 12 * 64 / dot_seconds(iterations) / 1e9 : 0;
    return (double)iterations * 12 * 32 / fma_seconds(iterations) / 1e9;
#else
    (void)bf16_dot; (void)iterations;
    return 0;
#endif
}
