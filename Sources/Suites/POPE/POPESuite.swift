import Foundation
import Formats
import Models

/// POPE (object hallucination): yes/no questions about COCO images in three splits, scored per split and pooled
/// by one of three answer rules. Data: the official `coco_pope_<split>.json` files (one, or a folder of them) or
/// VLMEvalKit's POPE.tsv; item ids are `<split>/<question_id>`, grouped by image.
public struct POPESuite: Suite {
    public static let entry = SuiteEntry(
        id: "pope", summary: "object hallucination: yes/no questions, accuracy/precision/recall/F1/yes-ratio per split",
        dataSources: "AoiDragon/POPE output/coco/coco_pope_{random,popular,adversarial}.json (a file or a folder of them; images from COCO val2014), or VLMEvalKit's POPE.tsv",
        ruleSets: "pope-official-1 (default: POPE evaluate.py), pope-vlmevalkit-1 (--parser vlmevalkit: YOrN_Extraction), pope-exact-1 (--parser exact)",
        type: POPESuite.self, make: { try POPESuite(options: $0) })

    /// lmms-eval's pope.yaml generation setting; Janus answers in a few tokens and stops at EOS.
    public static let maxNewTokens = 128
    public static let defaultRule = YesNoAnswerRule.popeOfficial

    public let id = "pope"
    public let capability = ModelCapability.visualQA
    public let questions: [POPEQuestion]
    public let rule: YesNoAnswerRule
    public let items: [SuiteItem]
    let questionByID: [String: POPEQuestion]

    public var ruleSet: RuleSet {
        RuleSet(id: "pope-\(rule.optionName)-1", reference: rule.reference,
                settings: JSONObject([("parser", .string(rule.rawValue)), ("max_new_tokens", .int(Int64(Self.maxNewTokens))),
                                      ("positive_class", .string("yes")),
                                      ("unknown_answers", .string("counted as predicted no for precision/recall/F1, wrong for accuracy")),
                                      ("exif_orientation", .string("not applied (Pillow Image.open)"))]))
    }

    public init(questions: [POPEQuestion], imageFolder: String, rule: YesNoAnswerRule = defaultRule) throws {
        self.questions = questions
        self.rule = rule
        var byID: [String: POPEQuestion] = [:]
        var items: [SuiteItem] = []
        var inlineKeys: [String: String] = [:]   // an inline image's content key, hashed once per distinct image
        for q in questions {
            let id = "\(q.split)/\(q.id)"
            guard byID[id] == nil else { throw SuiteError.invalid(path: imageFolder, reason: "question id \(id) appears twice") }
            byID[id] = q
            let image: ImageSource
            if q.image.hasPrefix("base64:") {
                image = .base64(String(q.image.dropFirst(7)))
            } else {
                // Image names stay inside the image folder: no absolute paths, no "..".
                guard !q.image.hasPrefix("/"), !q.image.split(separator: "/").contains("..") else {
                    throw SuiteError.invalid(path: imageFolder, reason: "question \(id) names the image '\(q.image)', which is outside the image folder")
                }
                image = .file(imageFolder + "/" + q.image)
            }
            let key: String
            if case .base64(let data) = image {
                key = inlineKeys[data] ?? image.key
                inlineKeys[data] = key
            } else {
                key = image.key
            }
            // Grouped by image: its 18 questions (three splits) share the prompt up to the question.
            items.append(SuiteItem(id: id, group: key, request: .answer(image: image, question: q.text, maxNewTokens: Self.maxNewTokens),
                                   text: q.text, prefixKey: key, workKey: key))
        }
        self.items = items
        questionByID = byID
    }

    public init(options: SuiteOptions) throws {
        guard let data = options.data else {
            throw SuiteError.invalid(path: "pope", reason: "needs --data: a coco_pope_<split>.json file, a folder of them, or VLMEvalKit's POPE.tsv")
        }
        let rule = try YesNoAnswerRule(option: options.parser ?? Self.defaultRule.optionName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory) else {
            throw SuiteError.unreadable(path: data, reason: "no such file or folder")
        }
        let questions: [POPEQuestion]
        let folder: String
        if isDirectory.boolValue {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? [])
                .filter { $0.hasPrefix("coco_pope_") && $0.hasSuffix(".json") }.sorted()
            guard !files.isEmpty else { throw SuiteError.invalid(path: data, reason: "no coco_pope_<split>.json files in this folder") }
            questions = try files.flatMap { try POPEQuestionFile.readOfficial(file: data + "/" + $0) }
            folder = data
        } else if data.lowercased().hasSuffix(".tsv") {
            questions = try POPEQuestionFile.readVLMEvalKit(file: data)
            folder = (data as NSString).deletingLastPathComponent
        } else {
            questions = try POPEQuestionFile.readOfficial(file: data)
            folder = (data as NSString).deletingLastPathComponent
        }
        // Images: --images, else an images/ folder beside the question files, else the question files' folder.
        let base = folder.isEmpty ? "." : folder
        var isFolder: ObjCBool = false
        let beside = FileManager.default.fileExists(atPath: base + "/images", isDirectory: &isFolder) && isFolder.boolValue
        try self.init(questions: questions, imageFolder: options.images ?? (beside ? base + "/images" : base), rule: rule)
    }

    /// The splits of the questions, in first-seen order.
    public var splits: [String] {
        var seen: [String] = []
        for q in questions where !seen.contains(q.split) { seen.append(q.split) }
        return seen
    }

    /// Splits in first-seen order of the records.
    static func splits(_ records: [ItemRecord]) -> [String] {
        var seen: [String] = []
        for r in records where !seen.contains(r.string("split")) { seen.append(r.string("split")) }
        return seen
    }

    public static func metrics(for records: [ItemRecord]) -> [MetricDefinition] {
        splits(records).flatMap { split in
            [MetricDefinition(id: "\(split)/accuracy", higherIsBetter: true, summary: "(TP + TN) / N, unreadable answers wrong"),
             MetricDefinition(id: "\(split)/precision", higherIsBetter: true, summary: "TP / predicted yes"),
             MetricDefinition(id: "\(split)/recall", higherIsBetter: true, summary: "TP / actual yes"),
             MetricDefinition(id: "\(split)/f1", higherIsBetter: true, summary: "harmonic mean of precision and recall"),
             MetricDefinition(id: "\(split)/yes_ratio", higherIsBetter: nil, summary: "fraction answered yes (0.5 is balanced)"),
             MetricDefinition(id: "\(split)/unknown", higherIsBetter: false, summary: "fraction of answers no rule could read")]
        } + [MetricDefinition(id: "pooled/f1", higherIsBetter: true, summary: "F1 over all splits pooled (VLMEvalKit's Overall; the number Janus reports)"),
             MetricDefinition(id: "mean/f1", higherIsBetter: true, summary: "mean of the split F1 scores (LLaVA's convention)")]
    }

    public static func proportionRecords(metric: String, in records: [ItemRecord]) -> [ItemRecord]? {
        guard metric.hasSuffix("/accuracy") else { return nil }
        let split = String(metric.dropLast("/accuracy".count))
        return records.filter { $0.string("split") == split }
    }

    public func score(_ item: SuiteItem, output: ItemOutput) throws -> ItemRecord {
        guard let q = questionByID[item.id] else { throw SuiteError.invalid(path: "pope", reason: "no question with id '\(item.id)'") }
        guard case .text(let answer) = output else {
            throw SuiteError.invalid(path: "pope", reason: "item \(item.id) needs a text answer")
        }
        let (label, how) = rule.parse(answer)
        let truth = q.answerIsYes ? "yes" : "no"
        let correct = label.rawValue == truth
        let reason = correct ? "answered \(label.rawValue), correct" : "expected \(truth), read \(label.rawValue): \(how)"
        return ItemRecord(id: item.id, group: item.group, correct: correct, reason: reason, fields: JSONObject([
            ("split", .string(q.split)), ("question_id", .string(q.id)), ("image", .string(item.group)), ("question", .string(q.text)),
            ("truth", .string(truth)), ("output", .string(answer)), ("parsed", .string(label.rawValue)), ("how", .string(how))]))
    }

    public static func aggregate(_ records: [ItemRecord]) -> [MetricValue] {
        let labelled = records.map { r in (split: r.string("split"), truth: r.string("truth") == "yes",
                                           label: YesNoLabel(rawValue: r.string("parsed")) ?? .unknown) }
        // The labels were read when the items were scored; the rule here only names them.
        let scores = POPEScores(labelled: labelled, rule: defaultRule)
        var out: [MetricValue] = []
        for split in splits(records) {
            let counts = scores.splits.first(where: { $0.name == split })?.counts ?? POPEScores.Counts()
            let n = counts.total
            out += [MetricValue(id: "\(split)/accuracy", value: counts.accuracy, n: n),
                    MetricValue(id: "\(split)/precision", value: counts.precision, n: n),
                    MetricValue(id: "\(split)/recall", value: counts.recall, n: n),
                    MetricValue(id: "\(split)/f1", value: counts.f1, n: n),
                    MetricValue(id: "\(split)/yes_ratio", value: counts.yesRatio, n: n),
                    MetricValue(id: "\(split)/unknown", value: n == 0 ? 0 : Double(counts.unknown) / Double(n), n: n)]
        }
        out.append(MetricValue(id: "pooled/f1", value: scores.pooled.f1, n: scores.pooled.total))
        out.append(MetricValue(id: "mean/f1", value: scores.meanSplitF1, n: scores.pooled.total))
        return out
    }
}
