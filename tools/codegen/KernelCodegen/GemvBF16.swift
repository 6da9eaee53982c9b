/// The generator of Sources/CKernels/gemv_bf16.c: one bf16 GEMV kernel per SIMD level and activation-row count
/// (AVX-512: 1...4 rows, AVX2: 1...8). The hand-written Sources/CKernels/gemv_bf16_dispatch.c chooses among them.
///
/// The kernels are written out (not macro-generated) so that every accumulator is a named local the compiler keeps
/// in a register. This file is the source of truth: edit it, run
/// `swift run janus-codegen gemv_bf16 Sources/CKernels/gemv_bf16.c`, commit both (CodegenTests fails otherwise).
public enum GemvBF16 {
    /// Where the generated file lives, relative to the package root.
    public static let path = "Sources/CKernels/gemv_bf16.c"

    /// The full text of gemv_bf16.c.
    public static func source() -> String {
        var lines = [header]
        for (isa, rowCounts) in kernels {
            for m in rowCounts {
                lines += isa == .z && m == 1 ? oneRowKernel() : kernel(isa, m)
            }
        }
        lines.append("#endif\n")
        return lines.joined(separator: "\n")
    }

    /// The kernels the file defines, per SIMD level: the AVX-512 dispatch never asks for more than four rows at once
    /// (five to eight run as passes of at most four), so z stops at four.
    static let kernels: [(ISA, ClosedRange<Int>)] = [(.z, 1...4), (.y, 1...8)]

    /// A SIMD level's spelling of the operations the kernels use. The letter is the register-name prefix:
    /// z = zmm (AVX-512 F/BW, 16 floats per vector), y = ymm (AVX2 + FMA, 8 floats).
    enum ISA: String {
        case z, y

        var vec: String { self == .z ? "__m512" : "__m256" }
        var ivec: String { self == .z ? "__m512i" : "__m256i" }
        var width: Int { self == .z ? 16 : 8 }
        var target: String { self == .z ? "avx512f,avx512bw,fma" : "avx2,fma" }
        var zero: String { self == .z ? "_mm512_setzero_ps()" : "_mm256_setzero_ps()" }
        var fma: String { self == .z ? "_mm512_fmadd_ps" : "_mm256_fmadd_ps" }
        var load: String { self == .z ? "_mm512_loadu_ps" : "_mm256_loadu_ps" }
        var hiSet: String {
            self == .z ? "const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);"
                       : "const __m256i hi = _mm256_set1_epi32((int)0xFFFF0000u);"
        }
        func loadInts(_ p: String) -> String {
            self == .z ? "_mm512_loadu_si512((const void *)(\(p)))" : "_mm256_loadu_si256((const __m256i *)(\(p)))"
        }
        /// The even (low-half) bf16 of each 32-bit lane as f32.
        func low(_ v: String) -> String {
            self == .z ? "_mm512_castsi512_ps(_mm512_slli_epi32(\(v), 16))" : "_mm256_castsi256_ps(_mm256_slli_epi32(\(v), 16))"
        }
        /// The odd (high-half) bf16 of each 32-bit lane as f32.
        func high(_ v: String) -> String {
            self == .z ? "_mm512_castsi512_ps(_mm512_and_si512(\(v), hi))" : "_mm256_castsi256_ps(_mm256_and_si256(\(v), hi))"
        }
        func reduce(_ a: String) -> String { self == .z ? "_mm512_reduce_add_ps(\(a))" : "hsum8(\(a))" }
    }

    /// Weight rows per step: enough independent accumulators, few enough to fit the register file.
    static func weightRowsPerStep(_ m: Int, _ isa: ISA) -> Int {
        if isa == .z { return m == 1 ? 1 : 4 }  // m1: one row, four accumulators (see oneRowKernel): streams fastest
        return m <= 4 ? 2 : 1
    }

    /// jk_bf16_<isa>_m<M>: `R` weight rows at a time (then one at a time), accumulator a<r>_<m> for weight row n + r
    /// and activation row m.
    static func kernel(_ isa: ISA, _ rowCount: Int) -> [String] {
        let vec = isa.vec, fma = isa.fma, load = isa.load, width = isa.width
        let activationRows = 0..<rowCount

        func block(_ weightRows: Int, _ label: String) -> [String] {
            let rs = 0..<weightRows
            var b = ["        {  // \(label)"]
            for r in rs { b.append("            const uint16_t *w\(r) = W + (size_t)(n + \(r)) * K;") }
            for r in rs { b.append("            " + activationRows.map { "\(vec) a\(r)_\($0) = \(isa.zero);" }.joined(separator: " ")) }
            b.append("            int k = 0;")
            b.append("            for (; k + \(width) <= half; k += \(width)) {")
            for r in rs {
                b.append("                \(isa.ivec) v\(r) = \(isa.loadInts("w\(r) + 2 * k"));")
                b.append("                \(vec) we\(r) = \(isa.low("v\(r)")), wo\(r) = \(isa.high("v\(r)"));")
            }
            for m in activationRows {
                b.append("                { \(vec) xe_ = \(load)(xe + (size_t)\(m) * xs + k), xo_ = \(load)(xo + (size_t)\(m) * xs + k);")
                for r in rs { b.append("                  a\(r)_\(m) = \(fma)(wo\(r), xo_, \(fma)(we\(r), xe_, a\(r)_\(m)));") }
                b.append("                }")
            }
            b.append("            }")
            for r in rs {
                for m in activationRows {
                    b.append("            { float s = \(isa.reduce("a\(r)_\(m)"));")
                    b.append("              for (int kk = 2 * k; kk < K; kk++) s += bf16f(w\(r)[kk]) * x[(size_t)\(m) * ldx + kk];")
                    b.append("              y[(size_t)\(m) * ldy + n + \(r)] = s + (bias ? bias[n + \(r)] : 0.0f); }")
                }
            }
            b.append("        }")
            return b
        }

        let weightRows = weightRowsPerStep(rowCount, isa)
        var out = [
            "__attribute__((target(\"\(isa.target)\")))",
            "void jk_bf16_\(isa.rawValue)_m\(rowCount)(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,",
            "                   int half, float *y, int ldy, int n0, int n1, const float *bias) {",
            "    const size_t xs = JK_SPLIT_STRIDE(2 * half);",
            "    \(isa.hiSet)",
            "    int n = n0;",
        ]
        if weightRows > 1 {
            out.append("    for (; n + \(weightRows) <= n1; n += \(weightRows))")
            out += block(weightRows, "\(weightRows) weight rows at a time")
        }
        out.append("    for (; n < n1; n++)")
        out += block(1, "one row at a time")
        out.append("}\n")
        return out
    }

    /// AVX-512, one activation row: one weight row at a time, 64 weights per iteration into four accumulators
    /// (even/odd × two), so that FMA latency never limits the stream (measured 30-32 GB/s vs 20 for four rows).
    static func oneRowKernel() -> [String] {
        [
            "__attribute__((target(\"avx512f,avx512bw,fma\")))",
            "void jk_bf16_z_m1(const uint16_t *W, int K, const float *x, int ldx, const float *xe, const float *xo,",
            "                   int half, float *y, int ldy, int n0, int n1, const float *bias) {",
            "    (void)ldx; (void)ldy;",
            "    const __m512i hi = _mm512_set1_epi32((int)0xFFFF0000u);",
            "    for (int n = n0; n < n1; n++) {",
            "        const uint16_t *w = W + (size_t)n * K;",
            "        __m512 e0 = _mm512_setzero_ps(), o0 = _mm512_setzero_ps(), e1 = _mm512_setzero_ps(), o1 = _mm512_setzero_ps();",
            "        int k = 0;",
            "        for (; k + 32 <= half; k += 32) {",
            "            __m512i v0 = _mm512_loadu_si512((const void *)(w + 2 * k)), v1 = _mm512_loadu_si512((const void *)(w + 2 * k + 32));",
            "            e0 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), _mm512_loadu_ps(xe + k), e0);",
            "            o0 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v0, hi)), _mm512_loadu_ps(xo + k), o0);",
            "            e1 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v1, 16)), _mm512_loadu_ps(xe + k + 16), e1);",
            "            o1 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v1, hi)), _mm512_loadu_ps(xo + k + 16), o1);",
            "        }",
            "        for (; k + 16 <= half; k += 16) {",
            "            __m512i v0 = _mm512_loadu_si512((const void *)(w + 2 * k));",
            "            e0 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(v0, 16)), _mm512_loadu_ps(xe + k), e0);",
            "            o0 = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(v0, hi)), _mm512_loadu_ps(xo + k), o0);",
            "        }",
            "        float s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(e0, o0), _mm512_add_ps(e1, o1)));",
            "        for (int kk = 2 * k; kk < K; kk++) s += bf16f(w[kk]) * x[kk];",
            "        y[n] = s + (bias ? bias[n] : 0.0f);",
            "    }",
            "}\n",
        ]
    }

    /// The file's opening: provenance, the naming scheme, the layout trick, and the two helpers every kernel uses.
    static let header = #"""
// GENERATED by janus-codegen from tools/codegen/KernelCodegen/GemvBF16.swift: edit the generator, not this file.
// Regenerate with `swift run janus-codegen gemv_bf16 Sources/CKernels/gemv_bf16.c`; CodegenTests checks they agree.
// bf16 weight-streaming GEMV kernels for 1..8 activation rows, the decode hot path. Only kernels live here: the
// hand-written gemv_bf16_dispatch.c picks one per call (and splits the activations); gemv_bf16_kernels.h declares them.
//
// Naming: jk_bf16_<isa>_m<M> multiplies M activation rows (m1..m8) by a range [n0, n1) of bf16 weight rows and is
// compiled for one SIMD level: z = AVX-512 F/BW (zmm registers, 16 floats; jk_cpu_level() 3), y = AVX2 + FMA (ymm
// registers, 8 floats; level 2). There are z_m1..z_m4 and y_m1..y_m8: at AVX-512 the dispatch runs 5..8 rows as
// passes of at most four rows over groups of 16 weight rows, so no z kernel takes more than four rows. Inside a
// kernel, a<r>_<m> accumulates weight row n + r against activation row m. See tools/codegen/README.md.
//
// A 32-bit lane of bf16 weights holds an even element in its low half and an odd one in its high half:
// `lane << 16` and `lane & 0xFFFF0000` give both as f32 without cross-lane shuffles; the activations are split
// once per call into even and odd halves to match. Each kernel handles R weight rows at a time so that every
// activation load feeds R rows (x stays in L1) and R*M independent accumulator chains hide FMA latency.
// One function per row count M (written out below) keeps all accumulators in registers.
// The reduction order of an output is fixed by (level, K): it never depends on how [n0, n1) is split.
#include <string.h>
#include "ckernels.h"
#include "gemv_bf16_kernels.h"
#if defined(__x86_64__)
#include <immintrin.h>

static inline float bf16f(uint16_t h) { uint32_t b = (uint32_t)h << 16; float f; memcpy(&f, &b, 4); return f; }

__attribute__((target("avx2,fma")))
static inline float hsum8(__m256 v) {
    __m128 lo = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

"""#
}
