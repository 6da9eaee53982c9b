import Foundation
import Formats
import Models
import Suites

/// The generation half of `run fid --model NAME`: the prompts (`--data`: a GenEval evaluation_metadata.jsonl, by
/// default the bundled GenEval prompts, or a `.txt` file of one prompt a line), `samples` images each drawn by the
/// model in GenEval's layout under `<run>/images/` (`PromptImageDrawer`, the step GenEval's runs use), and the
/// journal `<run>/items.jsonl`: one line per image, fsync'd after the prompt's PNGs are written, so a killed run
/// resumes without drawing a finished prompt again (a prompt whose images are not all in the journal is drawn anew).
public struct FIDGeneration {
    public struct Prompt: Equatable, Sendable {
        public var text: String
        /// The GenEval record written as `<NNNNN>/metadata.jsonl` (for a .txt prompt: `{"prompt": …}`).
        public var metadataLine: String
    }

    /// The prompts of `--data` (nil: the bundled GenEval metadata) and what kind of file it was.
    public static func prompts(data: String?) throws -> (prompts: [Prompt], kind: String, path: String) {
        let path = data ?? GenEvalSuite.bundledMetadata
        guard FileManager.default.fileExists(atPath: path) else { throw HarnessError.usage("run fid --data \(path): no such file") }
        var prompts: [Prompt] = []
        if path.hasSuffix(".txt") {
            guard let bytes = FileManager.default.contents(atPath: path), let text = String(data: bytes, encoding: .utf8) else {
                throw HarnessError.usage("run fid --data \(path): not a readable UTF-8 text file")
            }
            for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {   // \n, \r\n (one Character) or \r
                let prompt = String(line)
                if prompt.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                prompts.append(Prompt(text: prompt, metadataLine: JSONWriter(style: .pythonDumps).string(.object(JSONObject([("prompt", .string(prompt))])))))
            }
            guard !prompts.isEmpty else { throw HarnessError.usage("run fid --data \(path): no prompts (one prompt a line)") }
            return (prompts, "prompt-list", path)
        }
        do {
            try JSONLinesReader.forEachLine(file: path) { _, doc in
                let p = try GenEvalPrompt(doc.cursor)
                prompts.append(Prompt(text: p.prompt, metadataLine: p.jsonLine))
            }
        } catch {
            throw HarnessError.usage("run fid --data \(path): not GenEval's evaluation_metadata.jsonl (\(error)); a plain prompt file must end in .txt")
        }
        guard !prompts.isEmpty else { throw HarnessError.usage("run fid --data \(path): no prompts") }
        return (prompts, "geneval-metadata", path)
    }

    public let prompts: [Prompt]
    public let samples: Int
    public var drawer: PromptImageDrawer
    /// Prompts drawn together as one guidance batch (cross-prompt batching; the images do not depend on it).
    public var promptsInFlight = 1

    public init(prompts: [Prompt], samples: Int, drawer: PromptImageDrawer) {
        self.prompts = prompts; self.samples = samples; self.drawer = drawer
    }

    /// Every image's id, relative to the image folder, in prompt order.
    public var ids: [String] {
        prompts.indices.flatMap { i in (0..<samples).map { PromptImageDrawer.imagePath(group: Self.group(i), sample: $0) } }
    }

    static func group(_ index: Int) -> String { String(format: "%05d", index) }

    public struct Outcome: Sendable {
        public var drawn: Int
        public var resumed: Int
        public var interrupted: Bool
        public var seconds: Double
    }

    /// Draws every prompt not finished in `journal`; `progress` gets (images done, total, from the journal, seconds).
    public func run(journal: RunJournal, progress: (Int, Int, Int, Double) -> Void = { _, _, _, _ in },
                    shouldStop: () -> Bool = { StopSignal.isRequested }) throws -> Outcome {
        let start = Date()
        let finished = Set(journal.latest.values.filter { $0.record.fields["error"] == nil }.map(\.record.id))
        let total = prompts.count * samples
        var done = 0, drawn = 0, resumed = 0
        var pending: [(index: Int, ids: [String])] = []
        for index in prompts.indices {
            let ids = (0..<samples).map { PromptImageDrawer.imagePath(group: Self.group(index), sample: $0) }
            if ids.allSatisfy(finished.contains) { done += samples; resumed += samples } else { pending.append((index, ids)) }
        }
        let perCall = drawer.model.batchesPrompts ? max(1, promptsInFlight) : 1
        for first in stride(from: 0, to: pending.count, by: perCall) {
            if shouldStop() { return Outcome(drawn: drawn, resumed: resumed, interrupted: true, seconds: Date().timeIntervalSince(start)) }
            let call = pending[first..<min(pending.count, first + perCall)]
            let drawnImages = drawer.draw(call.map {
                PromptImageDrawer.Job(prompt: prompts[$0.index].text, samples: samples, group: Self.group($0.index), index: $0.index,
                                      metadataLine: prompts[$0.index].metadataLine)
            })
            for ((index, ids), outcome) in zip(call, drawnImages) {
                let images = try outcome.get()
                for (k, id) in ids.enumerated() {
                    let record = ItemRecord(id: id, group: Self.group(index), correct: nil, reason: "generated",
                                            fields: JSONObject([("prompt", .string(prompts[index].text)), ("width", .int(Int64(images[k].width))),
                                                                ("height", .int(Int64(images[k].height)))]))
                    try journal.append(RunJournal.Entry(position: index * samples + k, record: record))
                }
                done += samples; drawn += samples
                progress(done, total, resumed, Date().timeIntervalSince(start))
            }
        }
        return Outcome(drawn: drawn, resumed: resumed, interrupted: false, seconds: Date().timeIntervalSince(start))
    }
}
