import COpenBLAS
import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS 0.3.21 (Debian 12) does not know the newer Xeons and falls back to its SSE3 "Prescott" kernels there:
/// sgemm then runs ~3–4× slower (measured on the Intel Xeon with AMX: FID Inception 0.39 vs 1.13 images/s, f32
/// prefill likewise). It reads `OPENBLAS_CORETYPE` only when it loads, so the command re-executes itself once with
/// the best core the CPU can run when the variable is unset and the detected core is Prescott:
///
/// | CPU has | core | sgemm 2048², 1 / 2 threads, Intel Xeon with AMX (`janus-bench matmul`) |
/// |---|---|---|
/// | AVX512-BF16 | Cooperlake | 120 / 280 GFLOP/s |
/// | AVX-512 F + BW | SkylakeX | 104 / 199 |
/// | AVX2 + FMA | Haswell | 76 / 103 |
///
/// Our machines' environment documents Haswell as a setting that computes correctly where older builds did not, so the
/// re-executed process checks the chosen core's sgemm against a Double product on shapes that reach its small-matrix
/// and blocked kernels in all four transposes (`sgemmSelfCheck`, well under a millisecond) and falls back to Haswell,
/// with a warning, if any result is off. A core the user sets is never overridden; `JANUS_EVAL_KEEP_OPENBLAS_CORE=1`
/// keeps the detected one. run.json records the core.
public enum OpenBLASCoreChoice {
    /// Set in the re-executed process's environment: which attempt it is (1: the preferred core, 2: Haswell).
    static let attemptVariable = "JANUS_EVAL_OPENBLAS_CORE_ATTEMPT"

    /// The core OpenBLAS should use on this CPU instead of Prescott, or nil (a CPU without AVX2 has nothing better).
    public static var preferredCore: String? {
        if jk_cpu_has_bf16_dot() != 0 { return "Cooperlake" }
        switch jk_cpu_level() {
        case 3...: return "SkylakeX"
        case 2: return "Haswell"
        default: return nil
        }
    }

    public static func reexecIfSlowCore() {
        if let attempt = getenv(attemptVariable).map({ String(cString: $0) }) {
            // We chose this core: keep it only if it multiplies correctly.
            if attempt == "1", sgemmSelfCheck() != nil, String(cString: openblas_get_corename()).lowercased() != "haswell" {
                let chosen = String(cString: openblas_get_corename())
                let message = "warning: OpenBLAS's \(chosen) sgemm failed a self-check on this CPU; using its Haswell kernels\n"
                _ = message.withCString { write(2, $0, strlen($0)) }
                reexec(core: "Haswell", attempt: "2")
            }
            unsetenv(attemptVariable)
            return
        }
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("JANUS_EVAL_KEEP_OPENBLAS_CORE") == nil,
              String(cString: openblas_get_corename()).lowercased() == "prescott", let core = preferredCore else { return }
        reexec(core: core, attempt: "1")
    }

    private static func reexec(core: String, attempt: String) {
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(attemptVariable, attempt, 1)
        var args: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        args.append(nil)
        execv("/proc/self/exe", &args)
        // execv returned: it failed; carry on with the core already loaded.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(attemptVariable)
    }

    /// sgemm (row-major, every transpose) against a Double product on shapes from 3×5×7 (OpenBLAS's small-matrix
    /// kernels) to 96×80×200 (its blocked ones). Returns a description of the first wrong result, nil if all agree to
    /// 1e-5 of the operands' scale.
    public static func sgemmSelfCheck() -> String? {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
        }
        for (m, n, k) in [(3, 5, 7), (16, 16, 16), (33, 17, 65), (96, 80, 200)] {
            let a = (0..<(m * k)).map { _ in next() }, b = (0..<(k * n)).map { _ in next() }
            for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
                var c = [Float](repeating: .nan, count: m * n)
                cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), 1, a, Int32(ta ? m : k), b, Int32(tb ? k : n), 0, &c, Int32(n))
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = 0.0
                        for p in 0..<k { sum += Double(a[ta ? p * m + i : i * k + p]) * Double(b[tb ? j * k + p : p * n + j]) }
                        let got = Double(c[i * n + j])
                        if !(abs(got - sum) <= 1e-5 * Double(k)) {
                            return "sgemm \(m)×\(n)×\(k) transposes (\(ta), \(tb)) at [\(i), \(j)]: \(got), expected \(sum)"
                        }
                    }
                }
            }
        }
        return nil
    }
}
