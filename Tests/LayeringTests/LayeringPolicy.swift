import Foundation

/// The architecture the layering check enforces. This is the one place to change it.
struct LayeringPolicy: Sendable {
    /// Layers, bottom to top. A layered source target may depend only on targets of a strictly lower layer
    /// (third-party products such as ArgumentParser are allowed wherever declared).
    ///
    ///   0  C modules: every `.systemLibrary` and every `.target` whose sources are C — COpenBLAS, CJSONC,
    ///      CZlib, CPNGCodec, CKernels and any later shim (a CJPEG, …). They need no entry: the checker puts
    ///      them here itself. A C module may depend only on other C modules.
    ///   1  Tensors        2  Formats        3  Models        4  Scorers
    ///   5  Suites         6  Harness        7  JanusEvalCLI (`janus-eval`), and JanusBench (`janus-bench`) beside it,
    ///   and FuzzTargets (one fuzz target per reader) beside them    8  janus-fuzz (the libFuzzer driver)
    ///
    /// Test targets and the names in `outsideLayers` are outside the order: they may depend on anything,
    /// a test target must depend on the target it tests, and no layered target may depend on them.
    var layers: [String: Int]
    var outsideLayers: Set<String>
    /// Layered targets that may depend on a C module directly. Sources/README.md: "Unsafe pointers stay
    /// inside kernel and reader files; everything above `Formats` sees safe types" — so Tensors (BLAS,
    /// kernels) and Formats (json-c, zlib, libpng) wrap the C modules, and the benchmarks time them directly.
    var cModuleUsers: Set<String>
    /// The target a test target tests, where that is not its name without "Tests"; nil: it tests no target.
    var testedTargets: [String: String?]
    /// Modules of the toolchain and OS, which no manifest declares.
    var systemModules: Set<String>

    static let janusEval = LayeringPolicy(
        layers: [
            "Tensors": 1,
            "Formats": 2,
            "Models": 3,
            "Scorers": 4,
            "Suites": 5,
            "Harness": 6,
            "JanusEvalCLI": 7,
            "JanusBench": 7,
            "FuzzTargets": 7,
            "janus-fuzz": 8,
        ],
        outsideLayers: ["TestSupport", "KernelCodegen", "janus-codegen"],
        cModuleUsers: ["Tensors", "Formats", "JanusBench"],
        testedTargets: ["CLITests": "JanusEvalCLI", "LayeringTests": nil, "CodegenTests": "KernelCodegen", "FuzzTests": "FuzzTargets"],
        systemModules: [
            "Swift", "_Concurrency", "_StringProcessing", "Foundation", "FoundationEssentials",
            "FoundationInternationalization", "FoundationNetworking", "FoundationXML", "Dispatch",
            "Synchronization", "Observation", "RegexBuilder", "Glibc", "Musl", "Darwin", "os", "Android",
            "WinSDK", "ucrt", "Testing", "XCTest",
        ])

    static let cModuleLayer = 0
}
