import CKernels

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

    /// The levels this CPU can run, for tests.
    public static var availableLevels: [Int] { [0, 2, 3].filter { $0 <= detectedLevel } }

    public static var levelName: String {
        switch level { case 3: return "avx512"; case 2: return "avx2"; default: return "portable" }
    }
}
