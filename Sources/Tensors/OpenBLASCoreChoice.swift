import COpenBLAS
import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS 0.3.21 (Debian 12) does not know the newer Xeons and falls back to its SSE3 "Prescott" kernels there:
/// sgemm then runs ~3–4× slower (measured on the Intel Xeon with AMX: FID Inception 0.39 vs 1.13 images/s, f32
/// prefill likewise). It reads `OPENBLAS_CORETYPE` only when it loads, so the command re-executes itself once with
/// `OPENBLAS_CORETYPE=Haswell` (AVX2 + FMA kernels, the setting our machines' environment documents as correct on
/// these CPUs) when the variable is unset, the detected core is Prescott and the CPU has AVX2 + FMA. A core the user
/// sets is never overridden; `JANUS_EVAL_KEEP_OPENBLAS_CORE=1` keeps the detected one. run.json records the core.
public enum OpenBLASCoreChoice {
    public static func reexecIfSlowCore() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("JANUS_EVAL_KEEP_OPENBLAS_CORE") == nil,
              String(cString: openblas_get_corename()).lowercased() == "prescott", jk_cpu_level() >= 2 else { return }
        setenv("OPENBLAS_CORETYPE", "Haswell", 1)
        var args: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        args.append(nil)
        execv("/proc/self/exe", &args)
        // execv returned: it failed; carry on with the detected core.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
