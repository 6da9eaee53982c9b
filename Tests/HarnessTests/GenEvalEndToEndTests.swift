import Foundation
import Formats
import Harness
import Scorers
import Suites
import Testing
import TestSupport

/// GenEval scored end to end by the scorers run here, on images drawn by code into GenEval's layout, with the demo's
/// tiny random Mask2Former (80 COCO classes) and tiny CLIP: every image judged with a reason, detections.jsonl with
/// masks as COCO RLE, `--images … --detections <run>/detections.jsonl` replaying every record bit for bit, the gallery
/// in report.html, resume without re-detecting, and the refusals when weights are missing. Random weights: the
/// verdicts are meaningless, the plumbing is not.
@Suite(.serialized) struct GenEvalEndToEndTests {
    static let metadata = FixturePaths.repositoryRoot.appendingPathComponent("suites/demo/geneval/evaluation_metadata.jsonl").path
    static let samples = 2

    /// Coloured rectangles and discs on grey, different per image, as `<NNNNN>/samples/<k:05>.png`.
    static func drawImages(prompts: Int, in dir: URL) throws -> String {
        let root = dir.appendingPathComponent("images").path
        let palette: [(UInt8, UInt8, UInt8)] = [(220, 30, 30), (30, 60, 220), (30, 180, 60), (240, 220, 40), (150, 40, 170), (250, 250, 250)]
        for p in 0..<prompts {
            let folder = root + "/" + String(format: "%05d", p) + "/samples"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for k in 0..<samples {
                let (w, h) = (48 + 8 * k, 40 + 4 * (p % 3))
                var image = RGBImage(width: w, height: h, fill: (128, 128, 128))
                let a = palette[(p + k) % palette.count], b = palette[(p + 2 * k + 3) % palette.count]
                let x0 = 2 + (p * 5) % 12, y0 = 3 + (k * 7) % 10
                for y in y0..<(y0 + 14) { for x in x0..<(x0 + 18) { Self.set(&image, x, y, a) } }
                let (cx, cy, r) = (w - 14, h - 12, 9)
                for y in 0..<h { for x in 0..<w where (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r { Self.set(&image, x, y, b) } }
                try PNGCodec.write(image, to: folder + "/" + String(format: "%05d.png", k))
            }
        }
        return root
    }

    static func set(_ image: inout RGBImage, _ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        let i = (y * image.width + x) * 3
        image.pixels[i] = c.0; image.pixels[i + 1] = c.1; image.pixels[i + 2] = c.2
    }

    static func request(images: String?, out: String, limit: Int?, detections: String? = nil, detector: String? = "demo",
                        clip: String? = "demo", fresh: Bool = false) -> RunRequest {
        var request = RunRequest(suite: "geneval")
        request.data = metadata
        request.images = images
        request.detections = detections
        request.detectorWeights = detections == nil ? detector : nil
        request.clipWeights = clip
        request.samplesPerPrompt = samples
        request.out = out
        request.limit = limit
        request.fresh = fresh
        return request
    }

    static func records(_ folder: String) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        try JSONLinesReader.forEachLine(file: folder + "/items.jsonl") { _, doc in
            guard case .object(var o) = doc.root, case .string(let id)? = o["id"] else { return }
            o["position"] = nil
            out[id] = .object(o)
        }
        return out
    }

    @Test func imagesAloneAreDetectedClassifiedJudgedAndReplayed() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-e2e")
        let images = try Self.drawImages(prompts: 12, in: dir)
        let out = dir.appendingPathComponent("run").path
        let limit = 24   // every prompt (two per task), two images each
        let outcome = try RunPlan.make(Self.request(images: images, out: out, limit: limit)).run()
        #expect(outcome.scored == limit && outcome.failed.isEmpty, "\(outcome.failed)")
        let records = try Self.records(out)
        #expect(records.count == limit)
        for (id, record) in records {
            guard case .object(let r) = record, case .string(let reason)? = r["reason"], case .object(let fields)? = r["fields"] else {
                Issue.record("\(id): not a record"); continue
            }
            #expect(!reason.isEmpty && (reason == "correct") == (r["correct"] == .bool(true)), "\(id): \(reason)")
            guard case .double(let clip)? = fields["clipscore"] else { Issue.record("\(id): no clipscore"); continue }
            #expect(clip >= 0 && clip <= 100)
            // A colour read by CLIP is recorded per object, with the crop it read.
            if case .object(let colours)? = fields["colors"] {
                for (_, list) in colours.entries {
                    guard case .array(let objects) = list else { continue }
                    for case .object(let o) in objects {
                        #expect(GenEvalVocabulary.colors.contains(HTMLReportTestsSupport.string(o["color"])), "\(id)")
                        #expect(HTMLReportTestsSupport.string(o["by"]) == "clip, masked crop", "\(id)")
                    }
                }
            }
        }
        // The random detector does detect (the demo weights are rigged to), so some colour clause reached CLIP.
        #expect(records.values.contains { if case .object(let r) = $0, case .object(let f)? = r["fields"] { return f["colors"] != nil }; return false })

        // detections.jsonl: one line per image in the --detections format, every detection with a mask.
        var lines = 0, masks = 0
        try JSONLinesReader.forEachLine(file: out + "/detections.jsonl") { _, doc in
            lines += 1
            let c = doc.cursor
            let image = try c.string("image")
            #expect(image.hasSuffix(".png") && image.contains("/samples/"))
            for (className, list) in try c.field("detections").entries() {
                let ms = try c.field("masks").field(className).asArray()
                #expect(ms.count == (try list.asArray().count))
                for m in ms where !m.isNull {
                    #expect(try m.field("size").asArray().count == 2)
                    #expect(!(try m.field("counts").asString()).isEmpty)
                    masks += 1
                }
            }
        }
        #expect(lines == limit && masks > lines)

        // Replay: the run's images and detections.jsonl give every record again, bit for bit.
        let replay = dir.appendingPathComponent("replay").path
        let again = try RunPlan.make(Self.request(images: images, out: replay, limit: limit, detections: out + "/detections.jsonl")).run()
        #expect(again.scored == limit)
        #expect(try Self.records(replay) == records)

        // report.json carries clipscore (higher is better); report.html the gallery with thumbnails and boxes.
        let report = try JSONReader.parse(file: out + "/report.json").cursor
        #expect(try report.field("metrics").field("clipscore").field("higher_is_better").asBool() == true)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("<div class=\"gallery\">"))
        #expect(html.components(separatedBy: "data:image/png;base64,").count - 1 == limit)
        #expect(html.contains("<rect x=") && html.contains("CLIPScore") && html.contains("how it was judged"))

        // gate and compare recompute metrics from records: the replay is no regression; a copy whose CLIPScores
        // all dropped by 5 regresses on clipscore (a paired bootstrap over images, not a proportion test).
        let same = try Gate(baseline: LoadedReport(path: out), candidate: LoadedReport(path: replay)).evaluate()
        #expect(!same.regressed && same.verdicts.contains { $0.metric == "clipscore" })
        let worse = dir.appendingPathComponent("worse").path
        try FileManager.default.createDirectory(atPath: worse, withIntermediateDirectories: true)
        guard case .object(var doc) = try JSONReader.parse(file: replay + "/report.json").root, case .array(let items)? = doc["items"] else {
            Issue.record("not a report"); return
        }
        doc["items"] = .array(items.map { item in
            guard case .object(var o) = item, case .object(var f)? = o["fields"], case .double(let v)? = f["clipscore"] else { return item }
            f["clipscore"] = .double(v - 5)
            o["fields"] = .object(f)
            return .object(o)
        })
        let text = JSONWriter(style: .indented).string(.object(doc))
        try text.write(toFile: worse + "/report.json", atomically: true, encoding: .utf8)
        let dropped = try Gate(baseline: LoadedReport(path: out), candidate: LoadedReport(path: worse), metrics: ["clipscore"]).evaluate()
        let verdict = try #require(dropped.verdicts.first { $0.metric == "clipscore" })
        #expect(verdict.regressed && abs(verdict.difference + 5) < 1e-9 && verdict.test != "mcnemar", "\(verdict)")

        // run.json records both scorers with digests; other CLIP weights are another configuration.
        let run = try JSONReader.parse(file: out + "/run.json").cursor
        let scorers = try run.field("configuration").field("settings").field("scorers")
        #expect(try scorers.field("detector").field("files").asArray().count == 2)
        #expect(try scorers.field("clip").field("files").asArray().count >= 4)
        let otherCLIP = dir.appendingPathComponent("clip-copy").path
        try FileManager.default.copyItem(atPath: FixturePaths.path("clip/tiny"), toPath: otherCLIP)
        try (String(contentsOfFile: otherCLIP + "/config.json", encoding: .utf8) + "\n").write(toFile: otherCLIP + "/config.json", atomically: true, encoding: .utf8)
        let a = try RunPlan.make(Self.request(images: images, out: out, limit: limit)).configuration().digest
        let b = try RunPlan.make(Self.request(images: images, out: out, limit: limit, clip: otherCLIP)).configuration().digest
        #expect(a != b)
    }

    @Test func aResumedRunDetectsOnlyWhatItHasNot() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-resume")
        let images = try Self.drawImages(prompts: 3, in: dir)
        let out = dir.appendingPathComponent("run").path
        let limit = 6
        _ = try RunPlan.make(Self.request(images: images, out: out, limit: limit)).run()
        let full = try Self.records(out)
        let detectionsFile = out + "/detections.jsonl"
        let complete = try String(contentsOfFile: detectionsFile, encoding: .utf8)
        // As if killed: the last two items never reached the journal, the last detection line is torn mid-write.
        let journal = try String(contentsOfFile: out + "/items.jsonl", encoding: .utf8).split(separator: "\n")
        try (journal.dropLast(2).joined(separator: "\n") + "\n").write(toFile: out + "/items.jsonl", atomically: true, encoding: .utf8)
        let detectionLines = complete.split(separator: "\n")
        let torn = detectionLines.dropLast().joined(separator: "\n") + "\n" + detectionLines.last!.prefix(detectionLines.last!.count / 2)
        try torn.write(toFile: detectionsFile, atomically: true, encoding: .utf8)

        let runner = try RunPlan.make(Self.request(images: images, out: out, limit: limit))
        let outcome = try runner.run()
        #expect(outcome.resumedItems == limit - 2 && outcome.scored == limit)
        let detector = try #require((runner.source as? ImageFolderOutputs)?.detections as? DetectorOutputs)
        #expect(detector.imagesDetected == 1)    // the torn one; the other was read back
        #expect(detector.droppedTornLine)
        let timings = try JSONReader.parse(file: out + "/report.json").cursor.field("run").field("timings")
        #expect(try timings.int("images_detected") == 1 && timings.field("dropped_torn_detections_line").asBool())
        // The lines of the earlier process are kept byte for byte and the torn one is written again whole. (Its
        // detections equal the first process's to float rounding only: Mask2Former's output moves in the last bits
        // with the thread count, which concurrent tests change; one process on one thread count reproduces it.)
        let resumed = try String(contentsOfFile: detectionsFile, encoding: .utf8).split(separator: "\n")
        #expect(resumed.count == detectionLines.count && Array(resumed.dropLast()) == Array(detectionLines.dropLast()))
        let last = try JSONReader.parse(Data(resumed.last!.utf8), file: "last").cursor
        #expect(try last.string("image") == (try JSONReader.parse(Data(detectionLines.last!.utf8), file: "first").cursor.string("image")))
        let again = try Self.records(out)
        #expect(Set(again.keys) == Set(full.keys))
        for (id, record) in full {
            guard case .object(let a) = record, case .object(let b)? = again[id] else { continue }
            #expect(a["correct"] == b["correct"] && a["reason"] == b["reason"], "\(id)")
        }
    }

    /// A Hugging Face config spelling COCO's classes its own way (`mouse`, `remote`, `keyboard`) still detects under
    /// GenEval's names (by class index), and the configuration records the renaming.
    @Test func eightyClassesTakeGenEvalsNames() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-names")
        let copy = dir.appendingPathComponent("detector").path
        try FileManager.default.copyItem(atPath: FixturePaths.repositoryRoot.path + "/" + GenEvalScorers.demoDetector, toPath: copy)
        let config = try String(contentsOfFile: copy + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "\"computer mouse\"", with: "\"mouse\"").replacingOccurrences(of: "\"tv remote\"", with: "\"remote\"")
            .write(toFile: copy + "/config.json", atomically: true, encoding: .utf8)
        let found = try GenEvalScorers.detector(option: copy)
        #expect(found.detector.model.config.labels.contains("mouse"))
        #expect(found.classNames == GenEvalVocabulary.classes)
        #expect(found.record["renamed"] == .array([.string("mouse → computer mouse"), .string("remote → tv remote")]))
        let outputs = DetectorOutputs(detector: found.detector, weights: found.record, classNames: found.classNames)
        outputs.file = dir.appendingPathComponent("detections.jsonl").path
        let detections = try outputs.detections(id: "00000/0", imagePath: "00000/samples/00000.png", image: RGBImage(width: 24, height: 20, fill: (90, 140, 200)))
        #expect(!detections.keys.contains("mouse") && !detections.keys.contains("remote"))
        #expect(detections.keys.allSatisfy(GenEvalVocabulary.classes.contains))
    }

    @Test func missingWeightsAreRefusedBeforeAnyWork() throws {
        let dir = FixturePaths.temporaryDirectory("geneval-refuse")
        let images = try Self.drawImages(prompts: 1, in: dir)
        let out = dir.appendingPathComponent("run").path
        do {
            _ = try RunPlan.make(Self.request(images: images, out: out, limit: 1, detector: dir.path + "/no-such.pth"))
            Issue.record("a missing detector was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("no-such.pth") && text.contains("--detector-weights PATH") && text.contains("facebook/mask2former-swin-small-coco-instance"), "\(text)")
        }
        do {
            _ = try RunPlan.make(Self.request(images: images, out: out, limit: 1, clip: dir.path + "/no-clip"))
            Issue.record("a missing CLIP was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("no-clip") && text.contains("huggingface-cli download openai/clip-vit-large-patch14"), "\(text)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))   // nothing done, no run folder
        // --clip-weights without images cannot read colours.
        var noImages = Self.request(images: nil, out: out, limit: 1, detections: FixturePaths.repositoryRoot.path + "/suites/demo/geneval/detections.jsonl")
        noImages.samplesPerPrompt = 4
        #expect(throws: HarnessError.self) { try RunPlan.make(noImages) }
    }
}

enum HTMLReportTestsSupport {
    static func string(_ v: JSONValue?) -> String { if case .string(let s)? = v { return s }; return "" }
}
