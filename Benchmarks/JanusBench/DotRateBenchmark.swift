import Tensors

/// One core's register-only rate of AVX512-BF16 dot products (VDPBF16PS, 64 flops each) and of f32 FMAs on zmm (32),
/// medians of 5: the measurement behind `KernelDispatch.bf16DotsOutrunFMA`, which decides whether the compute-bound
/// bf16 products run on the dot-product kernels or on the f32 kernels with rounded activations.
enum DotRateBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let iterations = 20_000_000
        var dot: [Double] = [], fma: [Double] = []
        for _ in 0..<5 {
            dot.append(KernelDispatch.peakGFLOPS(bf16Dot: true, iterations: iterations))
            fma.append(KernelDispatch.peakGFLOPS(bf16Dot: false, iterations: iterations))
        }
        let d = dot.sorted()[2], f = fma.sorted()[2]
        report.add([("benchmark", "dot_rate"), ("cpu", MachineInfo.cpuModel), ("vdpbf16ps_GFLOP/s", format(d)),
                    ("fma_GFLOP/s", format(f)), ("dot_over_fma", f > 0 ? format(d / f, 2) : "-"),
                    ("dots_outrun_fma_table", String(KernelDispatch.bf16DotsOutrunFMA)),
                    ("many_row_bf16", KernelDispatch.bf16Product(rows: 600, k: 2048).rawValue)])
    }
}
