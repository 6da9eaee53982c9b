import Foundation
import KernelCodegen
import Testing

/// The committed generated C sources equal what their Swift generators write now, byte for byte.
@Suite struct GeneratedFilesTests {
    /// The package root: this file is <root>/Tests/CodegenTests/GeneratedFilesTests.swift.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(arguments: KernelCodegen.files.map(\.name))
    func committedFileIsInSyncWithItsGenerator(name: String) throws {
        let file = try #require(KernelCodegen.file(named: name))
        let url = Self.packageRoot.appendingPathComponent(file.path)
        let committed = try #require(FileManager.default.contents(atPath: url.path), "cannot read \(url.path)")
        let generated = Array(file.generate().utf8)
        let regenerate = "swift run janus-codegen \(file.name) \(file.path)"
        guard Array(committed) != generated else { return }
        let same = zip(committed, generated).prefix { $0 == $1 }
        let line = same.filter { $0.0 == UInt8(ascii: "\n") }.count + 1
        Issue.record("""
            \(file.path) is out of sync with its generator (tools/codegen/KernelCodegen): first difference on line \
            \(line) (committed \(committed.count) bytes, generated \(generated.count)). Regenerate it from the package \
            root with `\(regenerate)` and commit the result; do not edit the generated file by hand.
            """)
    }

    @Test func gemvKernelsAreTheOnesTheDispatchCalls() {
        // gemv_bf16_kernels.h declares, and gemv_bf16_dispatch.c calls, z_m1...z_m4 and y_m1...y_m8. The kernels
        // are exported (the dispatch lives in another file), so an uncalled one would draw no compiler warning: this
        // keeps dead kernels from coming back unnoticed.
        let text = GemvBF16.source()
        let defined = text.split(separator: "\n").filter { $0.hasPrefix("void jk_bf16_") }
            .map { String($0.dropFirst("void ".count).prefix { $0 != "(" }) }
        #expect(defined == (1...4).map { "jk_bf16_z_m\($0)" } + (1...8).map { "jk_bf16_y_m\($0)" })
    }
}
