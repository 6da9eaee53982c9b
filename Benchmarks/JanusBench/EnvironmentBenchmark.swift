import CKernels
import COpenBLAS
import Foundation
import Tensors

enum EnvironmentBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        report.add([("benchmark", "environment"), ("openblas_core", String(cString: openblas_get_corename())),
                    ("OPENBLAS_CORETYPE", env["OPENBLAS_CORETYPE"] ?? "(unset)"),
                    ("OPENBLAS_L2_SIZE", env["OPENBLAS_L2_SIZE"] ?? "(unset)"),
                    ("simd_level", KernelDispatch.levelName), ("cores", String(Parallel.threadCount))])
    }
}
