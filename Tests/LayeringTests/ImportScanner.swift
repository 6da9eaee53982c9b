import Foundation

/// One `import` declaration of a Swift source file.
struct ImportDecl: Sendable, Equatable {
    var module: String
    var line: Int
}

/// Finds the import declarations of a Swift file: `import X`, `@testable import X`, `public import X`,
/// `@_spi(S) import X`, `import struct X.Y` (→ X), `import X.Sub` (→ X), several per line with `;`.
/// Every branch of `#if` counts (so `#if canImport(Glibc)` / `import Glibc` is an import of Glibc);
/// text in comments and string literals does not.
enum ImportScanner {
    private static let modifiers: Set<String> = ["public", "package", "internal", "fileprivate", "private", "open"]
    private static let kinds: Set<String> = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]

    static func imports(inSwiftSource text: String) throws(SwiftLexError) -> [ImportDecl] {
        let tokens = try SwiftLexer.tokenize(text)
        var result: [ImportDecl] = []
        for i in tokens.indices {
            // A declaration starts a line or follows `;`.
            guard i == 0 || tokens[i - 1].line < tokens[i].line || tokens[i - 1].isPunct(";") else { continue }
            var j = i
            while j + 1 < tokens.count, tokens[j].isPunct("@"), tokens[j + 1].kind == .identifier {
                j += 2
                if j < tokens.count, tokens[j].isPunct("("), tokens[j].line == tokens[j - 1].line {
                    var depth = 0
                    while j < tokens.count {
                        if tokens[j].isPunct("(") { depth += 1 }
                        if tokens[j].isPunct(")") { depth -= 1; if depth == 0 { j += 1; break } }
                        j += 1
                    }
                }
            }
            if j < tokens.count, tokens[j].kind == .identifier, modifiers.contains(tokens[j].text) { j += 1 }
            guard j < tokens.count, tokens[j].isIdent("import") else { continue }
            let importLine = tokens[j].line
            j += 1
            if j + 1 < tokens.count, tokens[j].kind == .identifier, kinds.contains(tokens[j].text),
               tokens[j + 1].kind == .identifier { j += 1 }
            guard j < tokens.count, tokens[j].kind == .identifier else { continue }
            result.append(ImportDecl(module: tokens[j].text, line: importLine))
        }
        return result
    }
}
