import Foundation

/// One target declaration of a Package.swift, as written.
struct ManifestTarget: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case target, executableTarget, testTarget, systemLibrary, binaryTarget, plugin, macro
    }
    struct Dependency: Sendable, Equatable {
        /// The module (for a product: the product's name, which is the module a source file imports).
        var name: String
        /// `package:` of a `.product(name:package:)`; nil for a target (a plain string, `.target(name:)`, `.byName(name:)`).
        var package: String?
        /// Line in the manifest, and the UTF-8 range of the element (so a test can cut it out of the text).
        var line: Int
        var range: Range<Int>
        var isProduct: Bool { package != nil }
    }
    var kind: Kind
    var name: String
    /// `path:` as written, or SwiftPM's default (`Sources/<name>`, `Tests/<name>` for test targets).
    var path: String
    var dependencies: [Dependency]
    var exclude: [String] = []
    var sources: [String]? = nil
    var line: Int
}

struct Manifest: Sendable, Equatable {
    var targets: [ManifestTarget]
    func target(named name: String) -> ManifestTarget? { targets.first { $0.name == name } }
}

struct ManifestParseError: Error, CustomStringConvertible {
    var file: String
    var line: Int
    var message: String
    var description: String { "\(file):\(line): cannot read the manifest: \(message)" }
}

/// Reads the targets of a Package.swift from its text, without running it. It understands the constructs
/// janus-eval's manifest uses — `let package = Package(…, targets: [ .target(…), … ])` with multi-line calls,
/// nested brackets, comments and trailing commas — and throws (naming the line) at anything else that could
/// declare or change a target's dependencies, rather than skipping it.
enum ManifestParser {
    static func parse(_ text: String, file: String = "Package.swift") throws -> Manifest {
        let tokens: [SwiftToken]
        do { tokens = try SwiftLexer.tokenize(text) } catch {
            throw ManifestParseError(file: file, line: error.line, message: error.message)
        }
        var parser = Parser(tokens: tokens, file: file)
        return try parser.parse()
    }

    private struct Parser {
        let tokens: [SwiftToken]
        let file: String
        var match: [Int: Int] = [:]
        /// Tokens the parse understood: target-kind and dependency-call heads, and `dependencies` labels.
        var consumed: Set<Int> = []

        init(tokens: [SwiftToken], file: String) { self.tokens = tokens; self.file = file }

        func fail(_ at: Int, _ message: String) -> ManifestParseError {
            let line = tokens.isEmpty ? 1 : tokens[min(max(at, 0), tokens.count - 1)].line
            return ManifestParseError(file: file, line: line, message: message)
        }

        mutating func matchBrackets() throws {
            let pairs = ["(": ")", "[": "]", "{": "}"]
            var stack: [Int] = []
            for (i, t) in tokens.enumerated() where t.kind == .punctuation {
                if pairs[t.text] != nil { stack.append(i) }
                else if [")", "]", "}"].contains(t.text) {
                    guard let open = stack.popLast(), pairs[tokens[open].text] == t.text else {
                        throw fail(i, "unbalanced '\(t.text)'")
                    }
                    match[open] = i
                }
            }
            if let open = stack.last { throw fail(open, "'\(tokens[open].text)' is never closed") }
        }

        /// Splits the tokens strictly between an opening bracket and its match at top-level commas.
        /// A trailing comma gives no element; an empty element elsewhere is an error.
        func split(_ open: Int) throws -> [Range<Int>] {
            let close = match[open]!
            var parts: [Range<Int>] = []
            var start = open + 1, i = open + 1
            while i < close {
                if let m = match[i] { i = m + 1; continue }
                if tokens[i].isPunct(",") {
                    if start == i { throw fail(i, "empty element") }
                    parts.append(start..<i)
                    start = i + 1
                }
                i += 1
            }
            if start < close { parts.append(start..<close) }
            return parts
        }

        /// `label: value` → (label, value range); an unlabeled argument has label nil.
        func labeled(_ r: Range<Int>) -> (label: String?, labelIndex: Int?, value: Range<Int>) {
            if r.count >= 3, tokens[r.lowerBound].kind == .identifier, tokens[r.lowerBound + 1].isPunct(":") {
                return (tokens[r.lowerBound].text, r.lowerBound, r.lowerBound + 2..<r.upperBound)
            }
            return (nil, nil, r)
        }

        /// A call `.name( … )` spanning exactly `r`: returns the name's index and the opening parenthesis.
        func memberCall(_ r: Range<Int>) -> (nameIndex: Int, open: Int)? {
            guard r.count >= 4, tokens[r.lowerBound].isPunct("."), tokens[r.lowerBound + 1].kind == .identifier,
                  tokens[r.lowerBound + 2].isPunct("("), match[r.lowerBound + 2] == r.upperBound - 1 else { return nil }
            return (r.lowerBound + 1, r.lowerBound + 2)
        }

        func stringLiteral(_ r: Range<Int>, _ what: String) throws -> String {
            guard r.count == 1, tokens[r.lowerBound].kind == .string else {
                throw fail(r.lowerBound, "\(what) is not a string literal")
            }
            guard !tokens[r.lowerBound].interpolated else {
                throw fail(r.lowerBound, "\(what) uses string interpolation")
            }
            return tokens[r.lowerBound].text
        }

        func arrayLiteral(_ r: Range<Int>, _ what: String) throws -> Int {
            guard !r.isEmpty, tokens[r.lowerBound].isPunct("["), match[r.lowerBound] == r.upperBound - 1 else {
                throw fail(r.lowerBound, "\(what) is not an array literal `[ … ]` (the checker reads the text, it does not run the manifest)")
            }
            return r.lowerBound
        }

        mutating func parse() throws -> Manifest {
            try matchBrackets()
            let calls = tokens.indices.filter { i in
                tokens[i].isIdent("Package") && i + 1 < tokens.count && tokens[i + 1].isPunct("(")
                    && (i == 0 || !tokens[i - 1].isPunct("."))
            }
            guard calls.count == 1 else {
                throw fail(calls.dropFirst().first ?? 0,
                           calls.isEmpty ? "no `Package(` call" : "more than one `Package(` call")
            }
            var targetsArray: Int?
            for arg in try split(calls[0] + 1) {
                let (label, labelIndex, value) = labeled(arg)
                if label == "dependencies", let labelIndex { consumed.insert(labelIndex) }
                if label == "targets" { targetsArray = try arrayLiteral(value, "`targets:`") }
            }
            guard let targetsArray else { throw fail(calls[0], "`Package(` has no `targets:` argument") }

            var targets: [ManifestTarget] = []
            for element in try split(targetsArray) {
                targets.append(try parseTarget(element))
            }
            var seen: Set<String> = []
            for t in targets where !seen.insert(t.name).inserted {
                throw ManifestParseError(file: file, line: t.line, message: "target \"\(t.name)\" is declared twice")
            }
            try rejectUnderstoodNothingElse()
            return Manifest(targets: targets)
        }

        mutating func parseTarget(_ element: Range<Int>) throws -> ManifestTarget {
            guard let (nameIndex, open) = memberCall(element) else {
                throw fail(element.lowerBound, "an element of `targets:` is not a call such as `.target(…)`")
            }
            guard let kind = ManifestTarget.Kind(rawValue: tokens[nameIndex].text) else {
                throw fail(nameIndex, "`.\(tokens[nameIndex].text)(` is not a target kind the checker knows")
            }
            consumed.insert(nameIndex)
            var name: String?, path: String?, exclude: [String] = [], sources: [String]?
            var dependencies: [ManifestTarget.Dependency] = []
            for arg in try split(open) {
                let (label, labelIndex, value) = labeled(arg)
                guard let label, let labelIndex else {
                    throw fail(arg.lowerBound, "unlabeled argument in `.\(kind.rawValue)(`")
                }
                switch label {
                case "name": name = try stringLiteral(value, "`name:`")
                case "path": path = try stringLiteral(value, "`path:`")
                case "exclude": exclude = try stringArray(value, "`exclude:`")
                case "sources": sources = try stringArray(value, "`sources:`")
                case "dependencies":
                    consumed.insert(labelIndex)
                    let array = try arrayLiteral(value, "`dependencies:` of \(name.map { "\"\($0)\"" } ?? "a target")")
                    for dep in try split(array) { dependencies.append(try parseDependency(dep)) }
                default: break   // settings, providers, resources, …: not about dependencies
                }
            }
            guard let name else { throw fail(element.lowerBound, "`.\(kind.rawValue)(` without `name:`") }
            let defaultPath = switch kind {
            case .testTarget: "Tests/\(name)"
            case .plugin: "Plugins/\(name)"
            default: "Sources/\(name)"
            }
            return ManifestTarget(kind: kind, name: name, path: path ?? defaultPath, dependencies: dependencies,
                                  exclude: exclude, sources: sources, line: tokens[nameIndex].line)
        }

        func stringArray(_ r: Range<Int>, _ what: String) throws -> [String] {
            try split(try arrayLiteral(r, what)).map { try stringLiteral($0, "an element of \(what)") }
        }

        mutating func parseDependency(_ r: Range<Int>) throws -> ManifestTarget.Dependency {
            let range = tokens[r.lowerBound].start..<tokens[r.upperBound - 1].end
            if r.count == 1, tokens[r.lowerBound].kind == .string {
                return .init(name: try stringLiteral(r, "a dependency"), package: nil, line: tokens[r.lowerBound].line,
                             range: range)
            }
            guard let (nameIndex, open) = memberCall(r),
                  ["product", "target", "byName"].contains(tokens[nameIndex].text) else {
                throw fail(r.lowerBound, "a dependency is neither a string nor `.product(name:package:)`, `.target(name:)` or `.byName(name:)`")
            }
            consumed.insert(nameIndex)
            let call = tokens[nameIndex].text
            var name: String?, package: String?
            for arg in try split(open) {
                let (label, _, value) = labeled(arg)
                switch label {
                case "name": name = try stringLiteral(value, "`name:` of `.\(call)(`")
                case "package" where call == "product": package = try stringLiteral(value, "`package:` of `.product(`")
                case "condition", "moduleAliases": break
                default: throw fail(arg.lowerBound, "unexpected argument \(label.map { "`\($0):`" } ?? "without label") in `.\(call)(`")
                }
            }
            guard let name else { throw fail(nameIndex, "`.\(call)(` without `name:`") }
            if call == "product" && package == nil { throw fail(nameIndex, "`.product(` without `package:`") }
            return .init(name: name, package: package, line: tokens[nameIndex].line, range: range)
        }

        /// Anything else that could declare a target or change dependencies (`.target(` outside the literal,
        /// `package.targets`, `….dependencies`) is an error: the checker would otherwise see a different package.
        func rejectUnderstoodNothingElse() throws {
            let heads = Set(ManifestTarget.Kind.allCases.map(\.rawValue) + ["product", "byName"])
            for i in tokens.indices where tokens[i].kind == .identifier && !consumed.contains(i) {
                let t = tokens[i]
                let afterDot = i > 0 && tokens[i - 1].isPunct(".")
                let call = i + 1 < tokens.count && tokens[i + 1].isPunct("(")
                if afterDot && call && heads.contains(t.text) {
                    throw fail(i, "`.\(t.text)(` outside `Package(…, targets: [ … ])` — the checker cannot follow it")
                }
                if afterDot && t.text == "targets" {
                    throw fail(i, "`.targets` is used after `Package(` — the checker reads only the `targets:` literal")
                }
                if t.text == "dependencies" {
                    throw fail(i, "`dependencies` outside a target's `dependencies: [ … ]` — the checker cannot follow it")
                }
            }
        }
    }
}
