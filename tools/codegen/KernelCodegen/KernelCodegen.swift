/// Generated C sources of janus-eval: what janus-codegen writes and CodegenTests checks against the committed copies.
/// Pure Swift (no Foundation) so that the test needs nothing beyond the toolchain.
public struct GeneratedFile: Sendable {
    /// The name janus-codegen takes (`janus-codegen gemv_bf16`).
    public let name: String
    /// The committed file, relative to the package root.
    public let path: String
    /// Produces the file's full text.
    public let generate: @Sendable () -> String
}

public enum KernelCodegen {
    public static let files: [GeneratedFile] = [
        GeneratedFile(name: "gemv_bf16", path: GemvBF16.path, generate: { GemvBF16.source() }),
    ]

    public static func file(named name: String) -> GeneratedFile? { files.first { $0.name == name } }
}
