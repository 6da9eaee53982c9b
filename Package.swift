// swift-tools-version: 6.1
// janus-eval: a Swift evaluation harness for DeepSeek's Janus family.
// Layers point down only: CLI → Harness → Suites → Scorers → Models → Formats → Tensors → C modules
// (Tests/LayeringTests checks that every target lists exactly what it imports and that no arrow points up).
import PackageDescription

let optimized: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "janus-eval",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "janus-eval", targets: ["JanusEvalCLI"]),
        .executable(name: "janus-bench", targets: ["JanusBench"]),
        .library(name: "Tensors", targets: ["Tensors"]),
        .library(name: "Formats", targets: ["Formats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C modules: module maps over the system libraries (plus zlib, which libpng-dev brings).
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CJSONC", path: "Sources/CJSONC", pkgConfig: "json-c",
                       providers: [.apt(["libjson-c-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // libpng's classic API reports errors by longjmp: a C shim owns the setjmp.
        .target(name: "CPNGCodec", path: "Sources/CPNGCodec",
                linkerSettings: [.linkedLibrary("png16")]),
        // libjpeg-turbo's classic API (Debian libjpeg62-turbo-dev) reports errors by longjmp too: its own C shim.
        .target(name: "CJPEGCodec", path: "Sources/CJPEGCodec",
                linkerSettings: [.linkedLibrary("jpeg")]),
        // Hand-written SIMD kernels (AVX2 / AVX-512 paths chosen at run time, portable fallback).
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3"])]),

        .target(name: "Tensors", dependencies: ["COpenBLAS", "CKernels"], path: "Sources/Tensors",
                swiftSettings: optimized),
        .target(name: "Formats", dependencies: ["Tensors", "CJSONC", "CZlib", "CPNGCodec", "CJPEGCodec"], path: "Sources/Formats"),
        .target(name: "Models", dependencies: ["Tensors", "Formats"], path: "Sources/Models", swiftSettings: optimized),
        .target(name: "Scorers", dependencies: ["Tensors", "Formats"], path: "Sources/Scorers",
                swiftSettings: optimized),
        .target(name: "Suites", dependencies: ["Scorers", "Models", "Formats", "Tensors"], path: "Sources/Suites"),
        .target(name: "Harness", dependencies: ["Suites", "Scorers", "Models", "Formats", "Tensors"], path: "Sources/Harness"),
        .executableTarget(name: "JanusEvalCLI",
                          dependencies: ["Harness", "Suites", "Scorers", "Models", "Formats", "Tensors",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Sources/JanusEvalCLI"),
        .executableTarget(name: "JanusBench", dependencies: ["Tensors", "Formats", "Scorers", "Models", "COpenBLAS", "CKernels"],
                          path: "Benchmarks/JanusBench", swiftSettings: optimized),

        .target(name: "TestSupport", dependencies: ["Formats"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors", "Formats", "TestSupport"], path: "Tests/TensorsTests"),
        .testTarget(name: "ModelsTests", dependencies: ["TestSupport", "Models", "Formats", "Tensors"], path: "Tests/ModelsTests"),
        .testTarget(name: "FormatsTests", dependencies: ["TestSupport", "Formats", "Tensors"], path: "Tests/FormatsTests"),
        .testTarget(name: "ScorersTests", dependencies: ["TestSupport", "Scorers", "Formats", "Tensors"], path: "Tests/ScorersTests"),
        .testTarget(name: "SuitesTests", dependencies: ["TestSupport", "Suites", "Scorers", "Formats"],
                    path: "Tests/SuitesTests"),
        .testTarget(name: "HarnessTests", dependencies: ["TestSupport", "Harness", "Suites", "Scorers", "Models", "Formats"], path: "Tests/HarnessTests"),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "JanusEvalCLI", "Formats", "Scorers"], path: "Tests/CLITests"),

        // Fuzzing (Fuzz/README.md, tools/fuzz): one target per reader in FuzzTargets; janus-fuzz runs them under libFuzzer
        // when built with -sanitize=fuzzer (tools/fuzz), and replays files through them in the normal build.
        .target(name: "FuzzTargets", dependencies: ["Harness", "Suites", "Models", "Formats", "Tensors"], path: "Fuzz/FuzzTargets"),
        .executableTarget(name: "janus-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/janus-fuzz"),
        .testTarget(name: "FuzzTests", dependencies: ["TestSupport", "FuzzTargets", "Formats"], path: "Tests/FuzzTests"),

        // Layering check (tools/check-deps): Package.swift lists exactly what each target imports; layers point down.
        .testTarget(name: "LayeringTests", path: "Tests/LayeringTests"),

        // Generated kernels (tools/codegen/README.md): the Swift generator of Sources/CKernels/gemv_bf16.c, the command
        // that writes it, and the test that the committed file is in sync.
        .target(name: "KernelCodegen", path: "tools/codegen/KernelCodegen"),
        .executableTarget(name: "janus-codegen", dependencies: ["KernelCodegen"], path: "tools/codegen/janus-codegen"),
        .testTarget(name: "CodegenTests", dependencies: ["KernelCodegen"], path: "Tests/CodegenTests"),
    ]
)
