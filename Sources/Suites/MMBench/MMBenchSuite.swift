import Foundation
import Formats
import Models

/// MMBench (multiple choice) with CircularEval: VLMEvalKit's TSV, each question asked once per rotation of its
/// options; a question counts only when every rotation is answered right. Answers are read by VLMEvalKit's
/// rule-based extraction (no LLM judge). Item ids are the TSV `index`, grouped by question (image + hint).
public struct MMBenchSuite: Suite {
    public static let entry = SuiteEntry(
        id: "mmbench", summary: "multiple-choice understanding with CircularEval, overall and per category",
        dataSources: "VLMEvalKit's MMBench TSV (e.g. MMBench_DEV_EN.tsv; images inline as base64)",
        ruleSets: "mmbench-circular-vlmevalkit-e8e78f05-1 (CircularEval, VLMEvalKit can_infer, no LLM judge)",
        type: MMBenchSuite.self, make: { try MMBenchSuite(options: $0) })

    /// VLMEvalKit's Janus wrapper generates up to 512 tokens; answers stop at EOS.
    public static let maxNewTokens = 512

    public let id = "mmbench"
    public let capability = ModelCapability.visualQA
    public let questions: [MMBenchQuestion]
    public let items: [SuiteItem]
    let questionByID: [String: MMBenchQuestion]

    public var ruleSet: RuleSet {
        RuleSet(id: "mmbench-circular-vlmevalkit-e8e78f05-1", reference: MultipleChoiceAnswerRule.reference,
                settings: JSONObject([("max_new_tokens", .int(Int64(Self.maxNewTokens))), ("circular", .bool(true)),
                                      ("unparsed_answers", .string("wrong")),
                                      ("exif_orientation", .string("not applied (Pillow Image.open)"))]))
    }

    public init(questions: [MMBenchQuestion]) throws {
        self.questions = questions
        var byID: [String: MMBenchQuestion] = [:]
        // The image's content key once per question group (circular copies share their original row's image).
        var imageKeys: [Int: String] = [:]
        items = try questions.map { q in
            let id = String(q.index)
            guard byID[id] == nil else { throw SuiteError.invalid(path: "mmbench", reason: "index \(id) appears twice") }
            byID[id] = q
            let image = ImageSource.base64(q.imageBase64)
            let key = imageKeys[q.group] ?? image.key
            imageKeys[q.group] = key
            // The prompt shared by every question about this image with this hint (Janus: the image, then the hint).
            return SuiteItem(id: id, group: String(q.group), request: .answer(image: image, question: q.prompt, maxNewTokens: Self.maxNewTokens),
                             text: q.question, prefixKey: key + "\nHint: " + (q.hint ?? ""), workKey: key)
        }
        questionByID = byID
    }

    public init(options: SuiteOptions) throws {
        guard let data = options.data else { throw SuiteError.invalid(path: "mmbench", reason: "needs --data: VLMEvalKit's MMBench .tsv") }
        try self.init(questions: try MMBenchQuestion.read(file: data))
    }

    /// Categories of the original rows, sorted.
    static func categories(_ records: [ItemRecord]) -> [String] {
        Array(Set(records.filter { !$0.bool("circular_copy") }.map { $0.string("category") })).sorted()
    }

    public static func metrics(for records: [ItemRecord]) -> [MetricDefinition] {
        [MetricDefinition(id: "circular/overall", higherIsBetter: true, summary: "questions right in every rotation"),
         MetricDefinition(id: "vanilla/overall", higherIsBetter: true, summary: "original (unrotated) rows right")]
            + categories(records).map { MetricDefinition(id: "circular/\($0)", higherIsBetter: true, summary: "CircularEval within \($0)") }
    }

    public static func proportionRecords(metric: String, in records: [ItemRecord]) -> [ItemRecord]? {
        metric == "vanilla/overall" ? records.filter { !$0.bool("circular_copy") } : nil
    }

    public func score(_ item: SuiteItem, output: ItemOutput) throws -> ItemRecord {
        guard let q = questionByID[item.id] else { throw SuiteError.invalid(path: "mmbench", reason: "no question with index '\(item.id)'") }
        guard case .text(let answer) = output else { throw SuiteError.invalid(path: "mmbench", reason: "item \(item.id) needs a text answer") }
        let (extraction, how) = MultipleChoiceAnswerRule.extract(answer, choices: q.options)
        let correct = extraction.letter != nil && extraction.letter == q.answer
        let parsed: String = switch extraction { case .option(let l): l; case .refused: "refused"; case .unparsed: "unparsed" }
        let reason = correct ? "chose \(parsed), correct" : "expected \(q.answer ?? "?"), read \(parsed): \(how)"
        return ItemRecord(id: item.id, group: item.group, correct: correct, reason: reason, fields: JSONObject([
            ("index", .int(Int64(q.index))), ("circular_copy", .bool(q.isCircularCopy)), ("category", .string(q.category)),
            ("l2_category", .string(q.l2Category)), ("question", .string(q.question)), ("truth", .string(q.answer ?? "")),
            ("output", .string(answer)), ("parsed", .string(parsed)), ("how", .string(how))]))
    }

    public static func aggregate(_ records: [ItemRecord]) -> [MetricValue] {
        let rows = records.map { r in
            (group: Int(r.group) ?? 0, isCircularCopy: r.bool("circular_copy"), category: r.string("category"),
             l2Category: r.string("l2_category"), correct: r.correct ?? false)
        }
        let t = MMBenchScores.tally(rows)
        return [MetricValue(id: "circular/overall", value: t.circular.accuracy, n: t.circular.total),
                MetricValue(id: "vanilla/overall", value: t.vanilla.accuracy, n: t.vanilla.total)]
            + categories(records).map { c in
                let tally = t.byCategory[c] ?? MMBenchScores.Tally()
                return MetricValue(id: "circular/\(c)", value: tally.accuracy, n: tally.total)
            }
    }
}
