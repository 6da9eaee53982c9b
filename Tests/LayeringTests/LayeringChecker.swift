import Foundation

/// One way Package.swift and the sources disagree.
struct Violation: Sendable, Hashable, CustomStringConvertible {
    enum Rule: String, Sendable {
        case undeclaredImport   // (a) a source file imports a project module or product the target does not declare
        case unknownModule      // (a) it imports a module that is neither a target, a product nor a system module
        case unusedDependency   // (b) a declared dependency no source file of the target imports
        case layering           // (c) a dependency that does not point to a strictly lower layer
        case testedTarget       // a test target that does not depend on the target it tests
        case unreadable         // a target's sources could not be found or read
    }
    var rule: Rule
    var target: String
    var module: String
    /// `file:line` of the import, or `Package.swift:line` of the declaration.
    var location: String
    var message: String
    var description: String { message }
}

/// Compares a parsed manifest with the imports of the targets' Swift sources under `root`.
struct LayeringChecker {
    var manifest: Manifest
    /// How messages name the manifest: "Package.swift", or the override's path.
    var manifestName = "Package.swift"
    var root: URL
    var policy = LayeringPolicy.janusEval

    private struct Sources {
        var swiftFiles: [String] = []   // relative to root
        var cFiles = 0
        var imports: [(module: String, location: String)] = []
    }

    func violations() -> [Violation] {
        var found: [Violation] = []
        let names = Set(manifest.targets.map(\.name))
        let products = Set(manifest.targets.flatMap(\.dependencies).filter(\.isProduct).map(\.name))
        let testTargets = Set(manifest.targets.filter { $0.kind == .testTarget }.map(\.name))

        var sources: [String: Sources] = [:]
        for t in manifest.targets { sources[t.name] = read(t, into: &found) }
        func isC(_ name: String) -> Bool {
            guard let t = manifest.target(named: name), let s = sources[name] else { return false }
            return t.kind == .systemLibrary || (t.kind == .target && s.swiftFiles.isEmpty && s.cFiles > 0)
        }
        func layer(_ name: String) -> Int? { isC(name) ? LayeringPolicy.cModuleLayer : policy.layers[name] }
        func decl(_ d: ManifestTarget.Dependency) -> String { "\(manifestName):\(d.line)" }

        for t in manifest.targets {
            guard let s = sources[t.name] else { continue }
            let declared = Dictionary(t.dependencies.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            var importedAt: [String: [String]] = [:]
            for i in s.imports where !policy.systemModules.contains(i.module) && i.module != t.name {
                importedAt[i.module, default: []].append(i.location)
            }
            func places(_ m: String) -> String {
                let all = importedAt[m] ?? []
                return all.prefix(3).joined(separator: ", ") + (all.count > 3 ? " and \(all.count - 3) more" : "")
            }

            // (a) every imported project module or product is declared.
            for m in importedAt.keys.sorted() where declared[m] == nil {
                let at = importedAt[m]![0]
                if names.contains(m) || products.contains(m) {
                    found.append(.init(rule: .undeclaredImport, target: t.name, module: m, location: at, message:
                        "\(t.name) imports \(m) (\(places(m))), but \(manifestName) does not list \(m) in the dependencies of \(t.name) (line \(t.line))"))
                } else {
                    found.append(.init(rule: .unknownModule, target: t.name, module: m, location: at, message:
                        "\(t.name) imports \(m) (\(places(m))), which is neither a target in \(manifestName), a product a target there depends on, nor a system module in LayeringPolicy.systemModules"))
                }
            }

            // (b) every declared dependency is imported by a Swift file of the target. C modules (system
            // libraries, C-source targets) are exempt; so is a test target's dependency on an executable target,
            // which is how SwiftPM builds the binary the tests run as a subprocess.
            if !isC(t.name) {
                for d in t.dependencies where importedAt[d.name] == nil {
                    if t.kind == .testTarget, manifest.target(named: d.name)?.kind == .executableTarget { continue }
                    found.append(.init(rule: .unusedDependency, target: t.name, module: d.name, location: decl(d), message:
                        "\(t.name) declares the dependency \(d.name) (\(decl(d))), but no .swift file under \(t.path) imports \(d.name)"))
                }
            }

            // Test targets: anything, but the target under test must be among them.
            if t.kind == .testTarget {
                let tested: String?
                if let exception = policy.testedTargets[t.name] { tested = exception }
                else if t.name.hasSuffix("Tests"), names.contains(String(t.name.dropLast(5))) { tested = String(t.name.dropLast(5)) }
                else {
                    found.append(.init(rule: .testedTarget, target: t.name, module: "", location: "\(manifestName):\(t.line)", message:
                        "cannot tell which target the test target \(t.name) (\(manifestName):\(t.line)) tests: add it to LayeringPolicy.testedTargets"))
                    continue
                }
                if let tested, declared[tested] == nil {
                    found.append(.init(rule: .testedTarget, target: t.name, module: tested, location: "\(manifestName):\(t.line)", message:
                        "the test target \(t.name) (\(manifestName):\(t.line)) does not depend on \(tested), the target it tests"))
                }
                continue
            }
            if policy.outsideLayers.contains(t.name) { continue }

            // (c) layers point down.
            guard let own = layer(t.name) else {
                found.append(.init(rule: .layering, target: t.name, module: "", location: "\(manifestName):\(t.line)", message:
                    "\(t.name) (\(manifestName):\(t.line)) is in no layer: add it to LayeringPolicy.layers (or to outsideLayers)"))
                continue
            }
            for d in t.dependencies where !d.isProduct {
                let used = importedAt[d.name] == nil ? "" : ", imported at \(places(d.name))"
                func report(_ why: String) {
                    found.append(.init(rule: .layering, target: t.name, module: d.name, location: importedAt[d.name]?.first ?? decl(d),
                                       message: "\(t.name) (layer \(own)) depends on \(d.name) (\(decl(d))\(used)): \(why)"))
                }
                guard names.contains(d.name) else { report("\(d.name) is not a target in \(manifestName)"); continue }
                if testTargets.contains(d.name) || policy.outsideLayers.contains(d.name) {
                    report("\(d.name) is outside the layer order"); continue
                }
                guard let theirs = layer(d.name) else { continue }   // reported as "in no layer" for d itself
                if isC(t.name) {
                    if theirs != LayeringPolicy.cModuleLayer { report("a C module may depend only on C modules") }
                } else if theirs >= own {
                    report("\(d.name) is in layer \(theirs); dependencies must point to a strictly lower layer")
                } else if isC(d.name), !policy.cModuleUsers.contains(t.name) {
                    report("only \(policy.cModuleUsers.sorted().joined(separator: ", ")) may use a C module directly (Sources/README.md: everything above Formats sees safe types)")
                }
            }
        }

        // The layer table names only targets that exist.
        for name in policy.layers.keys.sorted() where !names.contains(name) {
            found.append(.init(rule: .layering, target: name, module: "", location: manifestName, message:
                "LayeringPolicy.layers lists \(name), which is not a target in \(manifestName)"))
        }
        return found
    }

    /// The target's source files (honouring `exclude:` and `sources:`) and the imports of its .swift files.
    private func read(_ t: ManifestTarget, into found: inout [Violation]) -> Sources? {
        var s = Sources()
        if t.kind == .systemLibrary || t.kind == .binaryTarget { return s }
        let dir = root.appendingPathComponent(t.path).standardizedFileURL.path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue,
              let all = FileManager.default.subpaths(atPath: dir) else {
            found.append(.init(rule: .unreadable, target: t.name, module: "", location: "\(manifestName):\(t.line)", message:
                "\(t.name) (\(manifestName):\(t.line)): its path \(t.path) is not a directory under \(root.path)"))
            return nil
        }
        func within(_ rel: String, _ entries: [String]) -> Bool {
            entries.contains { e in
                let e = e.hasSuffix("/") ? String(e.dropLast()) : e
                return rel == e || rel.hasPrefix(e + "/")
            }
        }
        for rel in all.sorted() {
            if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if within(rel, t.exclude) { continue }
            if let only = t.sources, !within(rel, only) { continue }
            if rel.hasSuffix(".swift") { s.swiftFiles.append(t.path + "/" + rel) }
            else if [".c", ".cc", ".cpp", ".m", ".mm", ".S"].contains(where: rel.hasSuffix) { s.cFiles += 1 }
        }
        if s.swiftFiles.isEmpty && s.cFiles == 0 {
            found.append(.init(rule: .unreadable, target: t.name, module: "", location: "\(manifestName):\(t.line)", message:
                "\(t.name) (\(manifestName):\(t.line)): no .swift or C sources under \(t.path)"))
        }
        for file in s.swiftFiles {
            do {
                let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                for i in try ImportScanner.imports(inSwiftSource: text) {
                    s.imports.append((i.module, "\(file):\(i.line)"))
                }
            } catch {
                found.append(.init(rule: .unreadable, target: t.name, module: "", location: file, message:
                    "\(t.name): cannot read the imports of \(file): \(error)"))
            }
        }
        return s
    }
}

/// Where the package is: the directory two levels above this file, or `JANUS_EVAL_PACKAGE_ROOT`; the manifest
/// is its Package.swift, or `JANUS_EVAL_PACKAGE_MANIFEST` (a deliberately wrong copy, say — the sources are
/// still read from the package root).
enum PackageLocation {
    static let defaultRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func resolved(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (root: URL, manifest: URL, overridden: Bool) {
        let root = environment["JANUS_EVAL_PACKAGE_ROOT"].map { URL(fileURLWithPath: $0) } ?? defaultRoot
        if let m = environment["JANUS_EVAL_PACKAGE_MANIFEST"], !m.isEmpty {
            return (root, URL(fileURLWithPath: m), true)
        }
        return (root, root.appendingPathComponent("Package.swift"), false)
    }

    /// Parses the manifest and checks it against the sources.
    static func check(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [Violation] {
        let (root, manifestURL, overridden) = resolved(environment: environment)
        let name = overridden ? manifestURL.path : "Package.swift"
        let text = try String(contentsOf: manifestURL, encoding: .utf8)
        let manifest = try ManifestParser.parse(text, file: name)
        return LayeringChecker(manifest: manifest, manifestName: name, root: root).violations()
    }
}

/// What `tools/check-deps --direct` prints: one line per violation, and its exit status.
enum LayeringReport {
    static func run() -> Int32 {
        let (root, manifest, _) = PackageLocation.resolved()
        do {
            let found = try PackageLocation.check()
            for v in found { print("error: [\(v.rule.rawValue)] \(v.message)") }
            print(found.isEmpty ? "check-deps: \(manifest.path) agrees with the sources under \(root.path)"
                                : "check-deps: \(found.count) problem(s) in \(manifest.path)")
            return found.isEmpty ? 0 : 1
        } catch {
            print("error: \(error)")
            return 1
        }
    }
}
