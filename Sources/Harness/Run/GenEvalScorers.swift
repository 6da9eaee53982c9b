import Foundation
import Formats
import Scorers
import Suites

/// GenEval's scorer networks for a run: the Mask2Former detector (`--detector-weights PATH`,
/// `$JANUS_EVAL_DETECTOR_WEIGHTS`, the Hugging Face cache) and CLIP ViT-L/14 (`--clip-weights DIR`,
/// `$JANUS_EVAL_CLIP_WEIGHTS`, the Hugging Face cache). `demo` names the tiny random bundled ones (a Mask2Former with
/// GenEval's 80 classes, and the tiny CLIP fixture): the demo's scores are meaningless, the plumbing is not.
/// Each is recorded in the run's configuration with its files' SHA-256, so other weights make another run.
public enum GenEvalScorers {
    public static let demoDetector = "Tests/Fixtures/demo-scorers/mask2former-coco80"
    public static let demoCLIP = "Tests/Fixtures/clip/tiny"

    /// `demo` → the bundled folder (under $JANUS_EVAL_HOME, the working directory or this checkout); anything else as is.
    public static func resolve(_ option: String?, demo: String) throws -> String? {
        guard option == "demo" else { return option }
        let env = ProcessInfo.processInfo.environment
        var roots: [String] = []
        if let home = env["JANUS_EVAL_HOME"], !home.isEmpty { roots.append(home) }
        roots.append(FileManager.default.currentDirectoryPath)
        roots.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path)
        for root in roots where FileManager.default.fileExists(atPath: root + "/" + demo + "/config.json") {
            return root + "/" + demo
        }
        throw HarnessError.usage("the demo scorer weights are bundled at \(demo) in the janus-eval checkout; looked under \(roots.joined(separator: ", ")) (set $JANUS_EVAL_HOME to the checkout)")
    }

    /// The detector, found and loaded (its "how to get it" message when it is missing), its configuration record and
    /// the names its classes take: with 80 classes (COCO's, in COCO order, as GenEval's detector has them) GenEval's
    /// spellings by index — a config with COCO's own names (`mouse`, `remote`, `keyboard`) would otherwise never match
    /// GenEval's prompts (`computer mouse`, `tv remote`, `computer keyboard`) — else the checkpoint's own labels.
    public static func detector(option: String?) throws -> (detector: Mask2FormerDetector, record: JSONObject, path: String, classNames: [String]) {
        let path = try Mask2FormerDetector.locateWeights(option: try resolve(option, demo: demoDetector))
        let detector = try Mask2FormerDetector(weights: path, labels: GenEvalVocabulary.classes)
        let labels = detector.model.config.labels
        let names = labels.count == GenEvalVocabulary.classes.count ? GenEvalVocabulary.classes : labels
        var record = try weights(path)
        record["random_weights"] = .bool(option == "demo")
        record["classes"] = .int(Int64(labels.count))
        let renamed = zip(labels, names).filter { $0 != $1 }.map { JSONValue.string("\($0) → \($1)") }
        record["class_names"] = .string(names == labels ? "the checkpoint's labels" : "GenEval's, by class index")
        if !renamed.isEmpty { record["renamed"] = .array(renamed) }
        return (detector, record, path, names)
    }

    /// CLIP, found and loaded, and its record. `required: false` loads it only when asked for (`--clip-weights`
    /// or `$JANUS_EVAL_CLIP_WEIGHTS`), never from the cache alone (a run on recorded colours stays what it was).
    public static func clip(option: String?, required: Bool) throws -> (model: CLIPModel, record: JSONObject, path: String)? {
        let explicit = try resolve(option, demo: demoCLIP)
        let locator = CLIPWeightLocator()
        if !required && explicit == nil
            && !CLIPWeightLocator.environmentVariables.contains(where: { !(locator.environment[$0] ?? "").isEmpty }) {
            return nil
        }
        let folder = try locator.locate(explicit: explicit)
        let model = try CLIPModel(folder: folder)
        var record = try weights(folder)
        record["random_weights"] = .bool(option == "demo")
        return (model, record, folder)
    }

    /// A weight file or folder as the configuration records it: each file's name, size and SHA-256 (config, tokenizer
    /// and weight files; cached by `FileDigestCache`). The path itself goes to run.environment (it differs between
    /// machines holding the same weights).
    static func weights(_ path: String) throws -> JSONObject {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let names: [String]
        if isDirectory.boolValue {
            let kept = [".json", ".txt", ".safetensors", ".bin", ".pth"]
            names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .filter { name in kept.contains { name.hasSuffix($0) } && !name.hasPrefix("expected") }
        } else {
            names = [""]
        }
        var files: [JSONValue] = []
        for name in names {
            let file = name.isEmpty ? path : path + "/" + name
            let size = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
            files.append(.object(JSONObject([("file", .string(name.isEmpty ? (path as NSString).lastPathComponent : name)),
                                             ("bytes", .int(size)), ("sha256", .string(try FileDigestCache.sha256(file: file)))])))
        }
        return JSONObject([("files", .array(files))])
    }
}
