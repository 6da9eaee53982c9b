import CKernels

/// Which SIMD implementation our C kernels use. Detected once from the CPU; tests force each level this
/// CPU can run so that every path is exercised.
public enum KernelDispatch {
    /// 0 = portable C, 2 = AVX2 + FMA + F16C, 3 = AVX-512.
    public static let detectedLevel: Int = Int(jk_cpu_level())
    nonisolated(unsafe) private static var forced: Int?

    /// Overrides the level (nil restores detection). Levels above `detectedLevel` are clamped.
    public static var forcedLevel: Int? {
        get { forced }
        set { forced = newValue.map { min($0, detectedLevel) } }
    }

    public static var level: Int { forced ?? detectedLevel }

    /// Whether the CPU has AVX512_BF16 dot products (used by the bf16 activation precision at the AVX-512 level).
    public static let hasBF16Dot: Bool = jk_cpu_has_bf16_dot() != 0

    /// The levels this CPU can run, for tests.
    public static var availableLevels: [Int] { [0, 2, 3].filter { $0 <= detectedLevel } }

    public static var levelName: String {
        switch level { case 3: return "avx512"; case 2: return "avx2"; default: return "portable" }
    }
}
