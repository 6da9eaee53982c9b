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

    /// Which kernel serves each product, for run.environment (results may differ across CPU families in the last bits).
    public static var kernelSummary: String {
        var parts = ["simd \(levelName)"]
        parts.append(amxActive ? "bf16: AMX tiles from \(Linear.amxMinRows) rows" : "bf16: no AMX")
        if bf16DotActive { parts.append("bf16: AVX512-BF16 dot products for 2-\(Linear.gemvRowLimit) rows") }
        parts.append("bf16 stride-1 conv: \(Conv2D.bf16Path())")
        parts.append(f32OnAMX ? "f32 x bf16 weights: AMX three-part split (JANUS_EVAL_F32_ON_AMX=1)" : "f32: our kernels + OpenBLAS sgemm")
        return parts.joined(separator: "; ")
    }

    /// The levels this CPU can run, for tests.
    public static var availableLevels: [Int] { [0, 2, 3].filter { $0 <= detectedLevel } }

    public static var levelName: String {
        switch level { case 3: return "avx512"; case 2: return "avx2"; default: return "portable" }
    }
}
