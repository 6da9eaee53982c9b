import Foundation
import Formats
import Models
import Scorers

/// GenEval (compositional text-to-image): each prompt's images are checked by an object detector for the objects,
/// counts, colours and positions its metadata asks for. Task score = mean correctness over the task's images;
/// `overall` = the unweighted mean of the task scores. Item ids are `<NNNNN>/<k>` (prompt folder, sample),
/// grouped by prompt.
public struct GenEvalSuite: Suite {
    public static let entry = SuiteEntry(
        id: "geneval", summary: "compositional text-to-image: single/two objects, counting, colours, position, colour attribution",
        dataSources: "djghosh13/geneval prompts/evaluation_metadata.jsonl (bundled: suites/geneval/evaluation_metadata.jsonl, 553 prompts)",
        ruleSets: "geneval-af4902f-1 (thresholds 0.3 / 0.9 counting, 16 objects, no NMS, position margin 0.1)",
        type: GenEvalSuite.self, make: { try GenEvalSuite(options: $0) })

    /// The official generation script draws four images per prompt.
    public static let samplesPerPrompt = 4
    public static let tasks = ["single_object", "two_object", "counting", "colors", "position", "color_attr"]

    public let id = "geneval"
    public let capability = ModelCapability.textToImage
    public let prompts: [GenEvalPrompt]
    public let samples: Int
    public let judge: GenEvalJudge
    public let colors: any ColorClassifier
    /// GenEval's CLIP colour classifier, for outputs that carry their image (`ItemOutput.detectionsOnImage`): it reads
    /// the colour of every detection that has no recorded one. nil: colours come from the detections only.
    public var imageColors: (any ImageColorClassifier)?
    /// CLIPScore of prompt and image, recorded per image (`clipscore`) for outputs that carry their image.
    public var clipScore: CLIPScore?
    public let items: [SuiteItem]

    public var ruleSet: RuleSet {
        var settings = judge.settings
        settings["samples_per_prompt"] = .int(Int64(samples))
        settings["color_classifier"] = .string(imageColors.map { "recorded colours first, else " + String(describing: type(of: $0)) }
                                               ?? String(describing: type(of: colors)))
        settings["exif_orientation"] = .string("colour crops: exif_transpose; detector input: rotated as OpenCV imread")
        return RuleSet(id: "geneval-af4902f-1", reference: "djghosh13/geneval evaluation/evaluate_images.py + summary_scores.py @ af4902f",
                       settings: settings)
    }

    public init(prompts: [GenEvalPrompt], samples: Int = samplesPerPrompt, judge: GenEvalJudge = GenEvalJudge(),
                colors: any ColorClassifier = RecordedColorClassifier()) {
        self.prompts = prompts
        self.samples = samples
        self.judge = judge
        self.colors = colors
        items = prompts.enumerated().flatMap { index, prompt in
            let folder = String(format: "%05d", index)
            return (0..<samples).map { k in
                SuiteItem(id: "\(folder)/\(k)", group: folder,
                          request: .image(prompt: prompt.prompt, sample: k, samplesPerPrompt: samples), text: prompt.prompt)
            }
        }
    }

    /// `--data` is an evaluation_metadata.jsonl (default: the bundled official file).
    public init(options: SuiteOptions) throws {
        let file = options.data ?? Self.bundledMetadata
        var prompts: [GenEvalPrompt] = []
        try JSONLinesReader.forEachLine(file: file) { _, doc in prompts.append(try GenEvalPrompt(doc.cursor)) }
        guard !prompts.isEmpty else { throw SuiteError.invalid(path: file, reason: "no prompts") }
        self.init(prompts: prompts, samples: options.samplesPerPrompt ?? Self.samplesPerPrompt)
    }

    /// suites/geneval/evaluation_metadata.jsonl in this checkout.
    public static var bundledMetadata: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("suites/geneval/evaluation_metadata.jsonl").path
    }

    /// GenEval's tasks present in the records, in the official order.
    static func tasks(_ records: [ItemRecord]) -> [String] {
        let present = Set(records.map { $0.string("tag") })
        return Self.tasks.filter(present.contains)
    }

    public static func metrics(for records: [ItemRecord]) -> [MetricDefinition] {
        [MetricDefinition(id: "overall", higherIsBetter: true, summary: "unweighted mean of the task scores (GenEval's score)")]
            + tasks(records).map { MetricDefinition(id: $0, higherIsBetter: true, summary: "fraction of \($0) images judged correct") }
            + (records.contains { clipScore(of: $0) != nil }
               ? [MetricDefinition(id: "clipscore", higherIsBetter: true, summary: "mean over images of CLIPScore(prompt, image): 100 · max(cos, 0), CLIP ViT-L/14")]
               : [])
    }

    /// A record's CLIPScore (absent when CLIP was not loaded).
    static func clipScore(of record: ItemRecord) -> Double? {
        switch record.fields["clipscore"] {
        case .double(let v)?: return v
        case .int(let v)?: return Double(v)
        default: return nil
        }
    }

    public static func proportionRecords(metric: String, in records: [ItemRecord]) -> [ItemRecord]? {
        // Task scores are fractions of images; overall (a mean of task means) and clipscore (a mean of scores) are not.
        Self.tasks.contains(metric) ? records.filter { $0.string("tag") == metric } : nil
    }

    public func score(_ item: SuiteItem, output: ItemOutput) throws -> ItemRecord {
        guard let index = Int(item.group), prompts.indices.contains(index) else {
            throw SuiteError.invalid(path: "geneval", reason: "no prompt for item '\(item.id)'")
        }
        let detections: [String: [ObjectDetection]], image: RGBImage?
        switch output {
        case .detections(let d): detections = d; image = nil
        case .detectionsOnImage(let d, let i): detections = d; image = i
        case .text: throw SuiteError.invalid(path: "geneval", reason: "item \(item.id) needs detections")
        }
        let prompt = prompts[index]
        let classifier: any ColorClassifier
        if let imageColors, let image {
            classifier = HintFirstColorClassifier(classifier: imageColors.bound(to: image))
        } else {
            classifier = colors
        }
        let recorder = GenEvalColorRecorder(classifier)
        let judgment = try judge.judge(prompt, detections: detections, colors: recorder)
        let result = GenEvalResult(filename: "\(item.group)/samples/\(GenEvalImageFolder.imageName(Int(item.id.split(separator: "/").last!) ?? 0))",
                                   prompt: prompt, judgment: judgment)
        var fields = JSONObject([("tag", .string(prompt.tag)), ("prompt", .string(prompt.prompt)),
                                 ("filename", .string(result.filename)), ("metadata", .string(result.metadata)),
                                 ("details", .string(result.details)),
                                 ("explanation", .array(judgment.explanation.map { JSONValue.string($0) }))])
        let readings = recorder.readings
        if !readings.isEmpty {
            // Per class asked for a colour: each object's colour and who named it (recorded, or CLIP on a masked /
            // box crop), most confident object first.
            fields["colors"] = .object(JSONObject(readings.map { reading in
                (reading.className, .array(zip(reading.objects, reading.colors).map { object, colour in
                    .object(JSONObject([("box", .array(object.box.map(JSONValue.double))), ("color", .string(colour)),
                                        ("by", .string(object.colorHint != nil ? "recorded" : (object.mask != nil ? "clip, masked crop" : "clip, box crop (no mask)")))]))
                }))
            }))
            if readings.contains(where: { $0.objects.contains { $0.colorHint == nil && $0.mask == nil } }) {
                fields["colors_without_masks"] = .bool(true)
            }
        }
        if let clipScore, let image {
            fields["clipscore"] = .double(try clipScore.scores(images: [image], prompts: [prompt.prompt])[0])
        }
        return ItemRecord(id: item.id, group: item.group, correct: judgment.correct,
                          reason: judgment.correct ? "correct" : judgment.reason.replacingOccurrences(of: "\n", with: "; "),
                          fields: fields)
    }

    public static func aggregate(_ records: [ItemRecord]) -> [MetricValue] {
        let scores = GenEvalScores(results: records.map { ($0.string("tag"), $0.group, $0.correct ?? false) })
        return [MetricValue(id: "overall", value: scores.overall, n: scores.images)]
            + tasks(records).map { tag in
                let task = scores.tasks.first { $0.tag == tag }
                return MetricValue(id: tag, value: task?.score ?? 0, n: task?.images ?? 0)
            }
            + clipScoreMean(records)
    }

    /// The mean CLIPScore over the records that have one (none: no value).
    static func clipScoreMean(_ records: [ItemRecord]) -> [MetricValue] {
        let values = records.compactMap(clipScore(of:))
        guard !values.isEmpty else { return [] }
        return [MetricValue(id: "clipscore", value: values.reduce(0, +) / Double(values.count), n: values.count)]
    }
}

/// Remembers what the colour classifier said during one judgement (per class, the objects asked and their colours),
/// for the item's record.
final class GenEvalColorRecorder: ColorClassifier, @unchecked Sendable {
    struct Reading { var className: String; var objects: [ObjectDetection]; var colors: [String] }
    let classifier: any ColorClassifier
    private(set) var readings: [Reading] = []

    init(_ classifier: any ColorClassifier) { self.classifier = classifier }

    func colors(of objects: [ObjectDetection], className: String) throws -> [String] {
        let colors = try classifier.colors(of: objects, className: className)
        readings.append(Reading(className: className, objects: objects, colors: colors))
        return colors
    }
}
