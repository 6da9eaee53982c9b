import CKernels
import Foundation

/// Which SIMD implementation our C kernels use. Detected once from the CPU; tests force each level this
/// CPU can run so that every path is exercised.
public enum KernelDispatch {
    /// 0 = portable C, 2 = AVX2 + FMA + F16C, 3 = AVX-512.
    public static let detectedLevel: Int = Int(jk_cpu_level())
    /// A level forced for the current task (tests), never above `detectedLevel`. Task-local, so tests that force
    /// levels run concurrently with others without changing their kernels. Read it on the calling thread before
    /// handing work to `Parallel` (pool threads see no override).
    @TaskLocal static var forced: Int?

    /// Runs `body` with the kernels of `level` (clamped to what this CPU runs) on the current task.
    public static func withForcedLevel<R>(_ level: Int, _ body: () throws -> R) rethrows -> R {
        try $forced.withValue(min(level, detectedLevel)) { try body() }
    }

    public static var level: Int { forced ?? detectedLevel }

    /// Whether the CPU has AVX512_BF16 dot products (used by the bf16 activation precision at the AVX-512 level).
    public static let hasBF16Dot: Bool = jk_cpu_has_bf16_dot() != 0

    /// Whether the bf16 dot-product kernels run now: the CPU has them and the level (possibly forced lower by a
    /// test) is AVX-512.
    static var bf16DotActive: Bool { hasBF16Dot && level >= 3 }

    /// Whether AVX512-BF16 dot products outrun f32 FMAs on this CPU, so that the compute-bound bf16 products (past
    /// `Linear.gemvRowLimit` rows, stride-1 convolutions) gain from them. One core, register-only loops
    /// (`janus-bench dotrate`), GFLOP/s, VDPBF16PS / VFMADD231PS on zmm:
    ///
    /// | CPU | VDPBF16PS | FMA | so the compute-bound bf16 products run on |
    /// |---|---|---|---|
    /// | AMD EPYC Zen 4 (family 19h) | 228 (2026-12-03) | — | AVX512-BF16 kernels (600 rows: 40–47 vs f32 82–92 ms) |
    /// | AMD EPYC Zen 5 (family 1Ah) | — | — | AVX512-BF16 kernels (600-token prefill 5.3 vs f32 9.2 s) |
    /// | Intel Xeon, family 6 model 207, AMX not granted by the hypervisor (2026-12-04) | 84 | 170 | f32 kernels on the rounded values (600 rows: 52 vs 87 ms with dot products) |
    ///
    /// AMD's dot products do twice an FMA's work at the FMA's rate; this Intel core issues them at a quarter of
    /// it, half the f32 flops, so its compute-bound products are faster in f32. Its memory-bound products (2–8
    /// rows, the guidance steps) still gain from reading half the activation bytes: 140 / 154 / 229 ms per 2 / 4 /
    /// 8-row Pro-1B step vs f32 158 / 186 / 347. The key is the vendor: the two measured Intel cores agree (the AMX
    /// machine's 8-row product took 16.0 ms with dot products vs f32 12.0), and AMX takes those products there anyway.
    public static let bf16DotsOutrunFMA: Bool = jk_cpu_is_amd() != 0

    /// One core's register-only GFLOP/s of VDPBF16PS (`bf16Dot`) or of zmm FMAs, over `iterations` × 12 instructions;
    /// 0 where the CPU lacks the instruction. What `bf16DotsOutrunFMA`'s table was measured with.
    public static func peakGFLOPS(bf16Dot: Bool, iterations: Int) -> Double {
        jk_cpu_peak_gflops(bf16Dot ? 1 : 0, iterations)
    }

    /// The compute-bound AVX512-BF16 kernels forced on or off for the current task (tests, benchmarks), instead of
    /// `bf16DotsOutrunFMA`.
    @TaskLocal static var computeBoundDotsForced: Bool?

    /// Runs `body` with the compute-bound AVX512-BF16 kernels on (where the CPU has them) or off.
    public static func withComputeBoundBF16Dots<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
        try $computeBoundDotsForced.withValue(enabled) { try body() }
    }

    /// Whether the many-row bf16 products and the stride-1 bf16 convolutions run on AVX512-BF16 dot products now.
    public static var computeBoundBF16Dots: Bool { bf16DotActive && (computeBoundDotsForced ?? bf16DotsOutrunFMA) }

    /// The settings a test walks through so that every bf16 kernel this CPU has runs: AMX (where the CPU has it),
    /// the AVX512-BF16 kernels (where it has them), the f32 kernels on rounded values. Each is named as it runs.
    public static func forEachBF16Setting(_ body: (String) throws -> Void) rethrows {
        if hasAMX && level >= 3 { try withAMX(true) { try body("AMX allowed") } }
        if bf16DotActive { try withAMX(false) { try withComputeBoundBF16Dots(true) { try body("AVX512-BF16 kernels, no AMX") } } }
        try withAMX(false) { try withComputeBoundBF16Dots(false) { try body("no AMX, f32 kernels past \(Linear.gemvRowLimit) rows") } }
    }

    /// Whether this process may use AMX bf16 tiles (the CPU has AMX-TILE and AMX-BF16, and Linux granted the tile
    /// state). Asking requests the permission once.
    public static let hasAMX: Bool = jk_amx_available() != 0

    /// AMX switched off for the current task (tests, to reach the AVX-512 paths on an AMX machine).
    @TaskLocal static var amxDisabled = false

    /// Runs `body` with AMX on or off (never on where the CPU lacks it) on the current task.
    public static func withAMX<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
        try $amxDisabled.withValue(!enabled) { try body() }
    }

    /// Whether the AMX kernels run now: the CPU has them, the level is AVX-512 (a test forcing a lower level gets
    /// the kernels of that level), and no test switched them off.
    public static var amxActive: Bool { hasAMX && level >= 3 && !amxDisabled }

    /// f32 products on AMX (each activation split into three bf16 parts; f32-accurate, measured NMSE 6e-14 vs a Double
    /// product) only when asked with `JANUS_EVAL_F32_ON_AMX=1`: the precision contract says f32 never goes through
    /// AMX, which serves the bf16 precision.
    public static let f32OnAMXRequested: Bool = ProcessInfo.processInfo.environment["JANUS_EVAL_F32_ON_AMX"] == "1"

    /// The three-part f32 AMX product asked for on the current task (tests), else the environment's choice.
    @TaskLocal static var f32OnAMXOverride: Bool?

    public static func withF32OnAMX<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
        try $f32OnAMXOverride.withValue(enabled) { try body() }
    }

    /// Whether f32-activation products with bf16 weights run on AMX now.
    public static var f32OnAMX: Bool { amxActive && (f32OnAMXOverride ?? f32OnAMXRequested) }

    /// Whether a stride-1, ungrouped f32 convolution with `taps` = kh·kw runs on our AVX-512 kernel (conv_f32.c)
    /// rather than as shifted OpenBLAS sgemms: at the AVX-512 level, up to 64 taps. Measured by `janus-bench conv`
    /// (2 threads, GFLOP/s, direct / sgemm):
    ///
    /// | CPU, OpenBLAS core | 128 ch 384² | 256 ch 192² | 256 ch 96² | 512 ch 48² | 512 ch 24² |
    /// |---|---|---|---|---|---|
    /// | AMD EPYC Zen 5 (family 1Ah), Haswell (our machines' setting) | 335 / 182 | 382 / 201 | 364 / 191 | 313 / 166 | 240 / 67 |
    /// | the same, Cooperlake (OpenBLAS's best core there; an earlier build of the kernel) | 349 / 254 | 345 / 296 | 325 / 262 | 296 / 276 | 270 / 128 |
    /// | AMD EPYC Zen 4 (family 19h model 11h), Cooperlake (no core set; two runs) | 173 / 163, 167 / 177 | 190 / 175, 169 / 169 | 188 / 164, 184 / 159 | 189 / 140, 171 / 134 | 125 / 68 |
    ///
    /// On Zen 4 both paths run at about the two cores' 512-bit FMA peak (~190 GFLOP/s, the unit double-pumped): level
    /// on the large shapes, ahead on the small ones, so the kernel serves there too.
    ///
    /// The SDXL-VAE decode of a 48×48 latent went from 8.6 to 5.4 s and the VQ decode from 4.0 to 2.4 s (f32, Haswell
    /// core). The sums are in a different order from sgemm's, so f32 convolution outputs move in the last bits
    /// (NMSE against a Double convolution ≤ 2e-13 in `ConvF32Tests`, as the sgemm path's).
    ///
    /// A forced lower level (tests) takes the sgemm path.
    public static func f32ConvDirect(taps: Int) -> Bool { level >= 3 && taps <= 64 && !f32DirectDisabled }

    /// Whether f32 products of more than `Linear.gemvRowLimit` rows (prefill, the flow step) run on the same kernel
    /// as a 1×1 convolution (`Linear.f32GEMM`) rather than on converted weight tiles and OpenBLAS sgemm: at the
    /// AVX-512 level. Measured by `janus-bench linear` (5632×2048 bf16 weight, 2 threads, ms, direct / sgemm):
    ///
    /// | CPU, OpenBLAS core | 9 rows | 16 | 64 | 600 | 1,156 | 4,624 |
    /// |---|---|---|---|---|---|---|
    /// | AMD EPYC Zen 5 (family 1Ah), Haswell (our machines' setting) | 3.5 / 4.1 | 3.6 / 4.1 | 7.3 / 9.2 | 48 / 78 | 94 / 152 | 362 / 591 |
    /// | the same, with the blocked summation (a noisier run) | 2.6 / 4.4 | 2.1 / 3.5 | 5.9 / 15.4 | 74 / 125 | 108 / 139 | 368 / 565 |
    /// | AMD EPYC Zen 4 (family 19h), Cooperlake (2026-12-03) | — | — | 8.3 / 11.5 | 71 / 79 | 140 / 158 | — |
    ///
    /// One kernel for every row count past the gemv rows, so that a prompt computed in pieces (a shared prefix, then
    /// each question) equals it in one piece bit for bit.
    public static var f32GEMMDirect: Bool { level >= 3 && !f32DirectDisabled }

    /// Both f32 direct kernels switched off for the current task (tests and benchmarks: the sgemm paths).
    @TaskLocal static var f32DirectDisabled = false

    public static func withF32Direct<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
        try $f32DirectDisabled.withValue(!enabled) { try body() }
    }

    /// How a product with bf16 weights computes under `--precision bf16` (activations rounded to bf16 first).
    public enum BF16Product: String, Sendable {
        /// The f32 kernels on the rounded values (same numbers up to summation order).
        case f32OnRounded = "f32 kernels on rounded activations"
        /// AVX512-BF16 dot products, several activation rows per weight read.
        case dotProducts = "AVX512-BF16 dot products"
        /// AMX tiles (`tdpbf16ps`), the weight rows used in place.
        case amxTiles = "AMX tiles"
        /// AVX512-BF16 dot products as a 1×1 convolution over the rows (prefill without AMX).
        case bf16GEMM = "AVX512-BF16 GEMM"
    }

    /// The bf16 product for `rows` activation rows on this CPU, chosen by measurement so that `--precision bf16`
    /// is never slower than f32 (`janus-bench linear`, a 5632×2048 bf16 weight, 2 threads, ms; f32 = the default's
    /// own kernel):
    ///
    /// | CPU | 1 row | 2–7 rows | 8 rows | 9+ rows |
    /// |---|---|---|---|---|
    /// | AMX (Intel Xeon, 2026-12-01) | f32 on rounded (memory-bound; 12.0 = f32 12.0) | dot products (2: 12.0, 4: 11.9 vs f32 12.0; AMX 12.0) | AMX (11.3 vs dot 16.0, f32 12.0) | AMX (16: 9.2, 64: 7.9, 600: 33 vs f32 44, 24, 144) |
    /// | AVX512-BF16, no AMX (AMD Zen 5) | f32 on rounded (68 vs 90–96 ms/token with dot products) | dot products | dot products | bf16 GEMM (600-token prefill 5.3 s vs f32 9.2) |
    /// | AVX512-BF16, no AMX (AMD EPYC Zen 4, family 19h, 2026-12-02) | f32 on rounded (0.41 vs 0.49) | dot products (2: 0.46, 4: 0.60 vs f32 0.82, 0.97) | dot products (0.90 vs 1.62) | bf16 GEMM (600: 40–47 vs 82–92; 4,624: 337–343 vs 577–652) |
    /// | AVX512-BF16, no AMX (Intel Xeon model 207, AMX not granted, 2026-12-04; cache-cold weights, as a decode reads them) | f32 on rounded | dot products (2: 1.58, 4: 0.95 vs f32 1.68, 1.12) | dot products (1.30–1.40 vs 1.65) | f32 on rounded (600: 52 vs GEMM 87; 1,156: 101 vs 170; `bf16DotsOutrunFMA`) |
    /// | no AVX512-BF16 | f32 on rounded | f32 on rounded | f32 on rounded | f32 on rounded |
    ///
    /// Past 8 rows the dot products serve only where they outrun the f32 FMAs (`bf16DotsOutrunFMA`).
    /// The f32 kernels serve one row because one row is memory-bound: the bf16 instructions save no time and
    /// AVX512-BF16's dot products streamed slower than the f32 one-row kernel. `Linear.apply` follows this table;
    /// K must also be a multiple of 32 for AMX (every Janus width is) and even for the GEMM.
    public static func bf16Product(rows: Int, k: Int) -> BF16Product {
        if rows >= Linear.amxMinRows && k % 32 == 0 && amxActive { return .amxTiles }
        if rows >= 2 && rows <= Linear.gemvRowLimit && bf16DotActive { return .dotProducts }
        if rows > Linear.gemvRowLimit && k % 2 == 0 && computeBoundBF16Dots { return .bf16GEMM }
        return .f32OnRounded
    }

    /// Which kernel serves each product, for run.environment (results may differ across CPU families in the last bits).
    public static var kernelSummary: String {
        var parts = ["simd \(levelName)"]
        parts.append(amxActive ? "bf16: AMX tiles from \(Linear.amxMinRows) rows" : "bf16: no AMX")
        if bf16DotActive { parts.append("bf16: AVX512-BF16 dot products for 2-\(Linear.gemvRowLimit) rows") }
        // The measured table (`bf16Product`) at the row counts that matter: decode, guidance pairs, P = 4, prefill.
        parts.append("bf16 products by rows: " + [1, 2, 8, 600].map { "\($0): \(bf16Product(rows: $0, k: 2048).rawValue)" }.joined(separator: ", "))
        parts.append("bf16 stride-1 conv: \(Conv2D.bf16Path())")
        parts.append("bf16 attention: " + (Attention.usesAMX(dim: 128) ? "AMX dot products (queries rounded to bf16)" : "\(levelName) kernels"))
        parts.append(f32OnAMX ? "f32 x bf16 weights: AMX three-part split (JANUS_EVAL_F32_ON_AMX=1)"
                     : f32GEMMDirect ? "f32: our kernels (AVX-512 products past \(Linear.gemvRowLimit) rows and stride-1 convolutions); OpenBLAS sgemm for the rest"
                     : "f32: our kernels + OpenBLAS sgemm")
        return parts.joined(separator: "; ")
    }

    /// The levels this CPU can run, for tests.
    public static var availableLevels: [Int] { [0, 2, 3].filter { $0 <= detectedLevel } }

    public static var levelName: String {
        switch level { case 3: return "avx512"; case 2: return "avx2"; default: return "portable" }
    }
}
