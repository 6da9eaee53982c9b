import Foundation
import Formats

/// GenEval's image layout: `<folder>/<NNNNN>/metadata.jsonl` holding ONE JSON object (the prompt record; the
/// name says .jsonl but the evaluator reads it with json.load) and `<NNNNN>/samples/<i>.png`. Only all-digit
/// subfolders are scanned and only names matching `^\d+\.png` (Python's re.match: a prefix match) are images.
public struct GenEvalImageFolder: Sendable {
    public struct Entry: Equatable, Sendable {
        public var index: Int
        public var folder: String
        public var prompt: GenEvalPrompt
        /// Image paths, sorted by name.
        public var images: [String]
    }

    public let root: String
    public init(root: String) { self.root = root }

    public func entries() throws -> [Entry] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root) else {
            throw SuiteError.unreadable(path: root, reason: "not a readable folder")
        }
        var entries: [Entry] = []
        for name in names.sorted() where !name.isEmpty && name.allSatisfy(\.isASCIIDigit) {
            let folder = root + "/" + name
            let metadataPath = folder + "/metadata.jsonl"
            let doc: JSONDocument
            do { doc = try JSONReader.parse(file: metadataPath) } catch {
                throw SuiteError.invalid(path: metadataPath, reason: "\(error)")
            }
            let prompt = try GenEvalPrompt(doc.cursor)
            let samples = ((try? fm.contentsOfDirectory(atPath: folder + "/samples")) ?? []).filter(Self.isImageName).sorted()
            entries.append(Entry(index: Int(name) ?? 0, folder: folder, prompt: prompt, images: samples.map { folder + "/samples/" + $0 }))
        }
        return entries
    }

    /// `re.match(r"^\d+\.png", name)`.
    static func isImageName(_ name: String) -> Bool {
        let digits = name.prefix { $0.isASCIIDigit }
        return !digits.isEmpty && name.dropFirst(digits.count).hasPrefix(".png")
    }

    /// Writes the layout for `prompts` (metadata only; images are written by the generator as they come).
    public static func writeMetadata(_ prompts: [GenEvalPrompt], to root: String) throws {
        let fm = FileManager.default
        for (i, prompt) in prompts.enumerated() {
            let folder = root + "/" + String(format: "%05d", i)
            do {
                try fm.createDirectory(atPath: folder + "/samples", withIntermediateDirectories: true)
                try Data(prompt.jsonLine.utf8).write(to: URL(fileURLWithPath: folder + "/metadata.jsonl"))
            } catch { throw SuiteError.unreadable(path: folder, reason: "cannot write: \(FileProblem.writeReason(folder, folder: true, error: error))") }
        }
    }

    /// The reference generator's image name: `{i:05}.png`.
    public static func imageName(_ sample: Int) -> String { String(format: "%05d.png", sample) }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
