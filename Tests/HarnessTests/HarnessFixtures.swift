import Foundation
import Formats
import Harness
import Suites
import TestSupport

/// POPE question files and answer files written on the fly, so runs of any size can be made without images
/// (answers are read from files, as for outputs made elsewhere).
enum HarnessFixtures {
    /// Three splits × `perSplit` questions over `perSplit / 3` images; returns the data folder.
    static func popeData(perSplit: Int = 30, in dir: URL) throws -> String {
        let data = dir.appendingPathComponent("pope")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for split in ["random", "popular", "adversarial"] {
            var text = ""
            for q in 1...perSplit {
                let label = q % 2 == 0 ? "yes" : "no"
                text += #"{"question_id": \#(q), "image": "COCO_val2014_\#(String(format: "%012d", (q - 1) / 3)).png", "text": "Is there a thing \#(q) in the image?", "label": "\#(label)"}"# + "\n"
            }
            try text.write(to: data.appendingPathComponent("coco_pope_\(split).json"), atomically: true, encoding: .utf8)
        }
        return data.path
    }

    /// LLaVA-style answer files, one per split (`answers_<split>.jsonl`); `answer(split, id, truthIsYes)` chooses the text.
    static func popeAnswers(perSplit: Int = 30, in dir: URL, answer: (String, Int, Bool) -> String) throws -> [String] {
        try ["random", "popular", "adversarial"].map { split in
            var text = ""
            for q in 1...perSplit {
                let a = JSONWriter(style: .compact).string(.string(answer(split, q, q % 2 == 0)))
                text += #"{"question_id": \#(q), "text": \#(a)}"# + "\n"
            }
            let url = dir.appendingPathComponent("answers_\(split).jsonl")
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
    }

    /// A POPE run over answer files.
    static func popeRunner(data: String, answers: [String], out: String, shard: ShardSpec = .whole, limit: Int? = nil,
                           fresh: Bool = false) throws -> Runner {
        var request = RunRequest(suite: "pope")
        request.data = data
        request.answers = answers
        request.out = out
        request.shard = shard
        request.limit = limit
        request.fresh = fresh
        return try RunPlan.make(request)
    }

    static func stableReport(_ folder: String) throws -> String { try StableReport.of(folder: folder) }
}
