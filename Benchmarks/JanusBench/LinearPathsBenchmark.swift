import Foundation
import Tensors

/// One bf16 weight of the Pro-1B MLP shape (5632 × 2048) times M activation rows on each path this CPU has: f32
/// activations (the exact default; past 8 rows also the converted-tile sgemm it replaced where the AVX-512 kernel
/// serves it), bf16 activations on AMX tiles, and bf16 activations without AMX (AVX512-BF16
/// dot products for 2–8 rows, the bf16 GEMM above) — the measurements behind `Linear.amxMinRows` and the choice
/// per row count. Alternated path by path in one run; medians.
enum LinearPathsBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        if ProcessInfo.processInfo.environment["JANUS_BENCH_LINEAR_COLD"] == "1" { return cold(&report) }
        if let groups = ProcessInfo.processInfo.environment["JANUS_BENCH_LINEAR_GROUPS"] { return grouped(&report, groups) }
        let n = 5632, k = 2048
        let weight = Tensor(shape: [n, k], floats: (0..<n * k).map { Float(($0 &* 7) % 113) * 1e-3 - 0.05 }).toBF16()
        let list = ProcessInfo.processInfo.environment["JANUS_BENCH_LINEAR_ROWS"] ?? "1,2,4,8,16,32,64,600"
        for rows in list.split(separator: ",").compactMap({ Int($0) }) {
            let x = Tensor(shape: [rows, k], floats: (0..<rows * k).map { Float($0 % 19) * 0.05 - 0.4 })
            let repeats = rows >= 600 ? 3 : 9
            var f32: [Double] = [], f32sgemm: [Double] = [], amx: [Double] = [], other: [Double] = [], dots: [Double] = []
            // The compute-bound AVX512-BF16 GEMM where the table (`bf16DotsOutrunFMA`) does not choose it.
            let forcedDots = KernelDispatch.withAMX(false) {
                KernelDispatch.withComputeBoundBF16Dots(true) { KernelDispatch.bf16Product(rows: rows, k: k) }
                    != KernelDispatch.bf16Product(rows: rows, k: k)
            }
            let direct = rows > Linear.gemvRowLimit && KernelDispatch.f32GEMMDirect
            for _ in 0..<3 {
                f32.append(medianSeconds(repeats: repeats) { _ = Linear.apply(x, weight: weight) })
                if direct {
                    f32sgemm.append(KernelDispatch.withF32Direct(false) { medianSeconds(repeats: repeats) { _ = Linear.apply(x, weight: weight) } })
                }
                amx.append(medianSeconds(repeats: repeats) { _ = KernelDispatch.withAMX(true) { Linear.apply(x, weight: weight, activations: .bf16) } })
                other.append(medianSeconds(repeats: repeats) { _ = KernelDispatch.withAMX(false) { Linear.apply(x, weight: weight, activations: .bf16) } })
                if forcedDots {
                    dots.append(medianSeconds(repeats: repeats) {
                        _ = KernelDispatch.withAMX(false) { KernelDispatch.withComputeBoundBF16Dots(true) { Linear.apply(x, weight: weight, activations: .bf16) } }
                    })
                }
            }
            let tf = f32.sorted()[1], ta = amx.sorted()[1], to = other.sorted()[1]
            let flop = 2.0 * Double(rows * n * k)
            report.add([("benchmark", "linear_paths"), ("rows", String(rows)), ("shape", "\(n)x\(k) bf16"),
                        ("threads", String(Parallel.threadCount)), ("amx", String(KernelDispatch.hasAMX)),
                        ("f32_ms", format(tf * 1e3, 2)), ("bf16_amx_ms", format(ta * 1e3, 2)), ("bf16_no_amx_ms", format(to * 1e3, 2)),
                        ("amx_GFLOP/s", format(flop / ta / 1e9)), ("f32_over_amx", format(tf / ta, 2)),
                        ("no_amx_over_amx", format(to / ta, 2))]
                        + [("bf16_no_amx_path", KernelDispatch.withAMX(false) { KernelDispatch.bf16Product(rows: rows, k: k).rawValue })]
                        + (forcedDots ? [("bf16_gemm_forced_ms", format(dots.sorted()[1] * 1e3, 2))] : [])
                        + (direct ? [("f32_path", "AVX-512 direct"), ("f32_sgemm_ms", format(f32sgemm.sorted()[1] * 1e3, 2))] : []))
        }
    }

    /// The f32 many-row product with its panels in groups of each size of `list` (panels of 48 tokens; 0 = all at
    /// once, `default` = `Linear.f32GEMMGroupPanels`), alternated over 7 rounds in one process (the neighbours' load
    /// then falls on every size alike): median and minimum ms, and whether every size gave the same bits.
    /// `JANUS_BENCH_LINEAR_GROUPS=0,default,8 JANUS_BENCH_LINEAR_ROWS=4624`.
    static func grouped(_ report: inout BenchmarkReport, _ list: String) {
        let n = 5632, k = 2048
        let weight = Tensor(shape: [n, k], floats: (0..<n * k).map { Float(($0 &* 7) % 113) * 1e-3 - 0.05 }).toBF16()
        let sizes = list.split(separator: ",").map(String.init)
        for rows in (ProcessInfo.processInfo.environment["JANUS_BENCH_LINEAR_ROWS"] ?? "1156,4624").split(separator: ",").compactMap({ Int($0) }) {
            let x = Tensor(shape: [rows, k], floats: (0..<rows * k).map { Float($0 % 19) * 0.05 - 0.4 })
            func product(_ size: String) -> Tensor {
                if size == "default" { return Linear.apply(x, weight: weight) }
                let panels = Int(size) ?? 0
                return Linear.withF32GEMMGroupPanels(panels == 0 ? Int.max : panels) { Linear.apply(x, weight: weight) }
            }
            var times: [String: [Double]] = [:]
            let first = product(sizes[0]).toFloats()
            let same = sizes.allSatisfy { product($0).toFloats() == first }
            for _ in 0..<7 { for size in sizes { times[size, default: []].append(medianSeconds(repeats: 1) { _ = product(size) }) } }
            for size in sizes {
                let t = times[size]!.sorted()
                report.add([("benchmark", "linear_groups"), ("rows", String(rows)), ("group_panels", size == "0" ? "all" : size),
                            ("median_ms", format(t[3] * 1e3, 1)), ("min_ms", format(t[0] * 1e3, 1)), ("same_bits", String(same))])
            }
        }
    }

    /// Weights read from memory as a decode step reads them (`JANUS_BENCH_LINEAR_COLD=1`): 96 different 5632×2048
    /// bf16 weights (2.2 GB, far beyond the caches) multiplied in turn, per row count and path; ms per weight.
    /// `JANUS_BENCH_LINEAR_SHAPE=NxK` another weight shape (as many copies as make ~2.2 GB), e.g. 2048x5632 for the
    /// MLP's down projection or 2048x2048 for attention's.
    static func cold(_ report: inout BenchmarkReport) {
        let shape = (ProcessInfo.processInfo.environment["JANUS_BENCH_LINEAR_SHAPE"] ?? "5632x2048").split(separator: "x").compactMap { Int($0) }
        guard shape.count == 2, shape.allSatisfy({ $0 > 0 }) else { print("linear: JANUS_BENCH_LINEAR_SHAPE must be NxK"); return }
        let n = shape[0], k = shape[1], count = max(8, 96 * 5632 * 2048 / (n * k))
        let weights = (0..<count).map { i in
            Tensor(shape: [n, k], floats: (0..<n * k).map { Float(($0 &* 7 &+ i) % 113) * 1e-3 - 0.05 }).toBF16()
        }
        for rows in (ProcessInfo.processInfo.environment["JANUS_BENCH_LINEAR_ROWS"] ?? "8,16,32,64").split(separator: ",").compactMap({ Int($0) }) {
            let x = Tensor(shape: [rows, k], floats: (0..<rows * k).map { Float($0 % 19) * 0.05 - 0.4 })
            var f32: [Double] = [], amx: [Double] = [], grouped: [Double] = []
            let groups = Array(repeating: 8, count: rows / 8)
            for _ in 0..<3 {
                f32.append(medianSeconds(repeats: 1) { for w in weights { _ = Linear.apply(x, weight: w, rowGroups: groups) } })
                amx.append(medianSeconds(repeats: 1) { for w in weights { _ = Linear.apply(x, weight: w, activations: .bf16) } })
                grouped.append(medianSeconds(repeats: 1) { for w in weights { _ = Linear.apply(x, weight: w, activations: .bf16, rowGroups: groups) } })
            }
            let per = 1e3 / Double(count)
            report.add([("benchmark", "linear_cold"), ("rows", String(rows)), ("groups_of", "8"), ("shape", "\(n)x\(k) bf16 x \(count)"),
                        ("f32_grouped_ms", format(f32.sorted()[1] * per, 2)), ("bf16_amx_ms", format(amx.sorted()[1] * per, 2)),
                        ("bf16_grouped_ms", format(grouped.sorted()[1] * per, 2)),
                        ("GB/s_amx", format(Double(n * k * 2) / (amx.sorted()[1] / Double(count)) / 1e9))])
        }
    }
}
