import Foundation
import Testing

/// Package.swift against the sources: each target declares exactly what its files import, and layers point
/// down (the table is LayeringPolicy.janusEval). Run alone with tools/check-deps; point it at a deliberately
/// wrong copy of the manifest with JANUS_EVAL_PACKAGE_MANIFEST=/tmp/bad/Package.swift.
@Suite("Package.swift matches the imports; layers point down")
struct PackageLayeringTests {
    /// Records each violation of the rules as an issue at the offending file and line (an import, or the
    /// declaration in Package.swift); the message names them too.
    static func record(_ rules: Set<Violation.Rule>) throws {
        let root = PackageLocation.resolved().root
        for v in try PackageLocation.check() where rules.contains(v.rule) {
            var file = v.location, line = 1
            if let colon = file.lastIndex(of: ":"), let n = Int(file[file.index(after: colon)...]), n > 0 {
                line = n
                file = String(file[..<colon])
            }
            let path = file.hasPrefix("/") ? file : root.appendingPathComponent(file).path
            let at = SourceLocation(fileID: "janus-eval/" + (file.split(separator: "/").last.map(String.init) ?? file),
                                    filePath: path, line: line, column: 1)
            Issue.record(Comment(rawValue: v.message), sourceLocation: at)
        }
    }

    @Test("every imported project module or product is a declared dependency")
    func importsAreDeclared() throws { try Self.record([.undeclaredImport, .unknownModule]) }

    @Test("every declared dependency is imported by a source file of the target")
    func dependenciesAreImported() throws { try Self.record([.unusedDependency]) }

    @Test("dependencies of layered targets point to strictly lower layers")
    func layersPointDown() throws { try Self.record([.layering]) }

    @Test("each test target depends on the target it tests")
    func testTargetsDependOnTheirTarget() throws { try Self.record([.testedTarget]) }

    @Test("every target's sources are found and readable")
    func sourcesAreReadable() throws { try Self.record([.unreadable]) }
}

@Suite("The manifest parser and the import scanner")
struct ManifestParserTests {
    static let sample = #"""
    // swift-tools-version: 6.1
    import PackageDescription

    let flags: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .release))]
    let package = Package(
        name: "demo",   // .target(name: "NotATarget") in a comment
        products: [.library(name: "A", targets: ["A"])],
        dependencies: [
            .package(url: "https://example.com/x", from: "1.0.0"),
        ],
        targets: [
            .systemLibrary(name: "CLib", path: "Sources/CLib", pkgConfig: "lib",
                           providers: [.apt(["lib-dev"])]),
            /* .target(name: "Commented", dependencies: ["A"]), */
            .target(
                name: "A",
                dependencies: [
                    "CLib",                                          // trailing comment
                    .product(name: "XKit", package: "x", condition: .when(platforms: [.linux])),
                    .target(name: "B"),
                ],
                path: "Sources/A", exclude: ["Old"],
                swiftSettings: flags + [.define("A_\("X")")]
            ),
            .target(name: "B"),
            .executableTarget(name: "Tool", dependencies: [.byName(name: "A"), "B",], path: "Tools/Tool",),
            .testTarget(name: "ATests", dependencies: ["A"]),
        ]
    )
    """#

    @Test("reads names, paths and dependencies of every kind of target")
    func parsesSample() throws {
        let m = try ManifestParser.parse(Self.sample)
        #expect(m.targets.map(\.name) == ["CLib", "A", "B", "Tool", "ATests"])
        #expect(m.targets.map(\.kind) == [.systemLibrary, .target, .target, .executableTarget, .testTarget])
        #expect(m.targets.map(\.path) == ["Sources/CLib", "Sources/A", "Sources/B", "Tools/Tool", "Tests/ATests"])
        let a = try #require(m.target(named: "A"))
        #expect(a.dependencies.map(\.name) == ["CLib", "XKit", "B"])
        #expect(a.dependencies.map(\.package) == [nil, "x", nil])
        #expect(a.dependencies.map(\.line) == [18, 19, 20])
        #expect(a.exclude == ["Old"])
        #expect(a.line == 15)
        let first = a.dependencies[0].range
        #expect(String(decoding: Array(Self.sample.utf8)[first], as: UTF8.self) == #""CLib""#)
        #expect(m.target(named: "Tool")?.dependencies.map(\.name) == ["A", "B"])
        #expect(m.target(named: "B")?.dependencies == [])
    }

    @Test("fails, naming the line, where it cannot follow the manifest", arguments: [
        ("targets: common + [.target(name: \"A\")]", "`targets:` is not an array literal"),
        ("targets: [.target(name: \"A\", dependencies: shared)]", "`dependencies:` of \"A\" is not an array literal"),
        ("targets: [.target(name: \"A\", dependencies: [\"B\" + \"C\"])]", "neither a string nor"),
        ("targets: [.target(path: \"Sources/A\")]", "without `name:`"),
        ("targets: [.target(name: \"A\"), .target(name: \"A\")]", "declared twice"),
        ("targets: [.target(name: \"A\\(x)\")]", "interpolation"),
        ("targets: [.target(name: \"A\")])\nlet extra: Target = .target(name: \"B\")", "outside `Package("),
        ("targets: [.target(name: \"A\")])\npackage.targets[0].dependencies = [\"B\"]", "`.targets` is used"),
        ("targets: [.target(name: \"A\"]", "unbalanced"),
        ("targets: [.target(name: \"A)]", "unterminated string"),
    ])
    func rejects(_ targets: String, _ expected: String) {
        let text = "import PackageDescription\nlet package = Package(name: \"p\",\n    \(targets)"
            + (targets.contains("\n") ? "" : ")")
        do {
            let m = try ManifestParser.parse(text)
            Issue.record("parsed without error: \(m.targets.map(\.name))")
        } catch {
            let message = "\(error)"
            #expect(error is ManifestParseError, "\(message)")
            #expect(message.contains(expected), "\(message)")
            #expect(message.hasPrefix("Package.swift:"), "\(message)")
        }
    }

    @Test("finds every form of import and nothing in comments or strings")
    func scansImports() throws {
        let source = #"""
        import Foundation
        @testable import Alpha
        import struct Beta.Thing
        import Gamma.Sub; public import Delta
        @_spi(Internal) @preconcurrency internal import Epsilon
        #if canImport(Glibc)
        import Glibc
        #elseif canImport(Zeta)
            import Zeta
        #endif
        // import NotInLineComment
        /* import NotInBlock /* nested */ import StillNotInBlock */
        let s = "import NotInString"
        let t = """
        import NotInMultilineString \(1 + (2))
        """
        let r = #"import NotInRaw "quoted" \(x)"#
        func f() { let x = 1 }   import Omega
        """#
        let found = try ImportScanner.imports(inSwiftSource: source)
        #expect(found.map(\.module) == ["Foundation", "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Glibc", "Zeta"])
        #expect(found.map(\.line) == [1, 2, 3, 4, 4, 5, 7, 9])
    }
}

@Suite("The checker's verdict on deliberately wrong manifests")
struct WrongManifestTests {
    let root = PackageLocation.resolved().root
    var realText: String { get throws { try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8) } }

    func verdict(_ text: String) throws -> [Violation] {
        LayeringChecker(manifest: try ManifestParser.parse(text), root: root).violations()
    }

    /// The manifest text without one dependency element of a target (and the comma that went with it).
    func removing(_ dependency: String, from target: String, in text: String) throws -> String {
        let m = try ManifestParser.parse(text)
        let t = try #require(m.target(named: target))
        let d = try #require(t.dependencies.first { $0.name == dependency },
                             "\(target) does not declare \(dependency) in Package.swift")
        var bytes = Array(text.utf8)
        var lower = d.range.lowerBound, upper = d.range.upperBound
        var k = upper
        while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x0A { k += 1 }
        if k < bytes.count, bytes[k] == UInt8(ascii: ",") {
            upper = k + 1
            while upper < bytes.count, bytes[upper] == 0x20 { upper += 1 }
        } else {
            while lower > 0, bytes[lower - 1] == 0x20 || bytes[lower - 1] == 0x0A { lower -= 1 }
            if lower > 0, bytes[lower - 1] == UInt8(ascii: ",") { lower -= 1 }
        }
        bytes.removeSubrange(lower..<upper)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("Models without Formats in its dependencies is reported, naming Models, Formats and the importing file")
    func modelsWithoutFormats() throws {
        let real = try realText
        let wrong = try removing("Formats", from: "Models", in: real)
        let models = try #require(try ManifestParser.parse(wrong).target(named: "Models"))
        #expect(!models.dependencies.map(\.name).contains("Formats"))
        #expect(try ManifestParser.parse(wrong).targets.count == ManifestParser.parse(real).targets.count)

        let before = try verdict(real), after = try verdict(wrong)
        let new = after.filter { !before.contains($0) }
        #expect(!new.isEmpty, "the checker did not notice that Models lost Formats")
        let v = try #require(new.first { $0.rule == .undeclaredImport })
        #expect(v.target == "Models" && v.module == "Formats")
        #expect(v.message.contains("Models imports Formats (Sources/Models/"), "\(v.message)")
        #expect(v.location.hasPrefix("Sources/Models/") && v.location.contains(".swift:"), "\(v.location)")
        #expect(new.allSatisfy { $0.target == "Models" && $0.module == "Formats" }, "\(new)")
        #expect(before.filter { !after.contains($0) }.isEmpty)
    }

    @Test("an upward dependency is reported as a layering violation and an unused dependency")
    func upwardDependency() throws {
        let real = try realText
        let wrong = real.replacingOccurrences(of: #".target(name: "Tensors", dependencies: ["#,
                                              with: #".target(name: "Tensors", dependencies: ["Harness", "#)
        try #require(wrong != real, "Package.swift no longer has `.target(name: \"Tensors\", dependencies: [`")
        let before = try verdict(real)
        let new = try verdict(wrong).filter { !before.contains($0) }
        #expect(new.contains { $0.rule == .layering && $0.target == "Tensors" && $0.module == "Harness"
                && $0.message.contains("strictly lower layer") }, "\(new)")
        #expect(new.contains { $0.rule == .unusedDependency && $0.target == "Tensors" && $0.module == "Harness" }, "\(new)")
    }

    @Test("a test target that no longer depends on the target it tests is reported")
    func testedTargetAndCModule() throws {
        let real = try realText
        let wrong = try removing("Formats", from: "FormatsTests", in: real)
        let before = try verdict(real)
        let new = try verdict(wrong).filter { !before.contains($0) }
        #expect(new.contains { $0.rule == .testedTarget && $0.target == "FormatsTests" && $0.module == "Formats" }, "\(new)")
        #expect(new.contains { $0.rule == .undeclaredImport && $0.target == "FormatsTests" && $0.module == "Formats" }, "\(new)")
    }
}
