import Foundation
import Formats
import Models
import Tensors

/// `janus-eval generate`: one prompt through a `TextToImage` model, written as `img_<i>.png` plus generation.json
/// (the prompt's token ids, every setting, the image tokens and where the time went). The output folder is
/// created and checked before any token step runs, so a bad `--out` costs nothing.
public struct GenerationRun {
    public var request: TextToImageRequest
    public var outputFolder: String
    /// Recorded as given (the model folder or preset).
    public var weights: String

    public init(request: TextToImageRequest, outputFolder: String, weights: String) {
        self.request = request; self.outputFolder = outputFolder; self.weights = weights
    }

    public struct Summary: Sendable {
        public var imageFiles: [String]
        public var timings: TextToImageTimings
        public var loadSeconds: Double
    }

    /// Checks that the output folder can be written (creating it), so the work that follows is not thrown away.
    public func prepareOutput() throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: outputFolder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw HarnessError.output(path: outputFolder, reason: "exists and is not a folder")
        }
        do { try fm.createDirectory(atPath: outputFolder, withIntermediateDirectories: true) } catch {
            throw HarnessError.output(path: outputFolder, reason: "cannot create the folder: \(FileProblem.writeReason(outputFolder, folder: true, error: error))")
        }
        guard fm.isWritableFile(atPath: outputFolder) else { throw HarnessError.output(path: outputFolder, reason: "not writable") }
    }

    public func run(model: any TextToImage, onStep: (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        try prepareOutput()
        let result = try model.generate(request, onStep: onStep)
        var files: [String] = []
        for (i, image) in result.images.enumerated() {
            let path = outputFolder + "/img_\(i).png"
            try PNGCodec.write(image, to: path)
            files.append(path)
        }
        let t = result.timings
        let settings = JSONObject([
            ("seed", Int64(exactly: request.seed).map(JSONValue.int) ?? .string(String(request.seed))), ("cfg", .double(Double(request.cfgWeight))),
            ("temperature", .double(Double(request.temperature))), ("parallel", .int(Int64(request.images))),
            ("greedy", .bool(request.greedy)), ("threads", .int(Int64(Parallel.threadCount))),
            ("precision", .string(model.precision.rawValue)), ("template", .string(model.template.userRole)),
            ("weights", .string(weights))])
        let report = JSONObject([
            ("prompt", .string(request.prompt)), ("prompt_ids", .array(result.promptIDs.map { .int(Int64($0)) })),
            ("settings", .object(settings)),
            ("tokens", .array(result.tokens.map { .array($0.map { .int(Int64($0)) }) })),
            ("timings", .object(JSONObject([
                ("load_s", .double(model.loadSeconds)), ("prefill_and_first_step_s", .double(t.promptAndFirstStep)),
                ("token_steps_s", .double(t.laterSteps)), ("ms_per_step", .double(t.millisecondsPerStep)),
                ("vq_decode_s", .double(t.decode)),
                ("seconds_per_image", .double(t.total / Double(max(result.images.count, 1))))]))),
        ])
        let path = outputFolder + "/generation.json"
        do {
            try Data((JSONWriter(style: .pythonDumps).string(.object(report)) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw HarnessError.output(path: path, reason: "cannot write: \(FileProblem.writeReason(path, error: error))")
        }
        return Summary(imageFiles: files, timings: t, loadSeconds: model.loadSeconds)
    }
}
