import Foundation
import Formats
import Tensors

/// GenEval's object detector: Mask2Former Swin-S (COCO instance segmentation) with GenEval's test pipeline and
/// mmdet's instance post-processing, giving raw detections per class name (before GenEval's own threshold and
/// per-class cap) with their binary masks over the original image.
public struct Mask2FormerDetector: Sendable {
    public let model: Mask2FormerModel
    public var pipeline = GenEvalDetectorPipeline()
    /// mmdet's `test_cfg.max_per_image`.
    public var maxPerImage = 100
    /// Where the weights came from (recorded in runs).
    public let source: String

    /// The Hugging Face repository of the published weights (`--detector-weights` may also name mmdet's .pth).
    public static let huggingFaceRepository = "facebook/mask2former-swin-small-coco-instance"
    public static let environmentVariable = "JANUS_EVAL_DETECTOR_WEIGHTS"

    /// The sizes of `mask2former_swin-s-p4-w7-224_lsj_8x2_50e_coco` (mmdet's .pth carries no config.json):
    /// transformers' defaults are that model; the classes are GenEval's 80 names in COCO order.
    public static func swinSmallCOCOInstance(labels: [String]) -> Mask2FormerConfig {
        var config = Mask2FormerConfig()
        config.labels = labels
        return config
    }

    public init(model: Mask2FormerModel, source: String) {
        self.model = model; self.source = source
    }

    /// `path`: a Hugging Face folder (config.json + weights) or mmdet's .pth (then `labels` name the 80 classes).
    public init(weights path: String, labels: [String]) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Mask2FormerError.weightsNotFound(path: path, detail: "no such file or folder. " + Self.howToGetWeights)
        }
        let config: Mask2FormerConfig
        let reader: CheckpointReader
        if isDirectory.boolValue {
            config = try Mask2FormerConfig.load(path: path + "/config.json")
            reader = try CheckpointFiles.openFolder(path)
        } else {
            reader = try CheckpointFiles.openFile(path)
            guard Mask2FormerKeyMap.detect(reader.tensorNames) == .mmdet else {
                throw Mask2FormerError.unsupportedLayout(file: path, detail: "a single file must be mmdet's Mask2Former checkpoint (tensors under state_dict.backbone / state_dict.panoptic_head); for the Hugging Face layout give its folder (with config.json)")
            }
            config = Self.swinSmallCOCOInstance(labels: labels)
        }
        self.init(model: try Mask2FormerModel(config: config, weights: reader), source: path)
    }

    public static let howToGetWeights = """
        Give --detector-weights PATH (GenEval's mmdet checkpoint mask2former_swin-s-p4-w7-224_lsj_8x2_50e_coco.pth, as \
        GenEval's evaluation/download_models.sh fetches it, or a folder of \(huggingFaceRepository) with config.json and \
        model.safetensors), set $\(environmentVariable), or download the Hugging Face repository \
        (huggingface-cli download \(huggingFaceRepository)) into the Hugging Face cache.
        """

    /// --detector-weights, else $JANUS_EVAL_DETECTOR_WEIGHTS, else the newest snapshot of the Hugging Face cache.
    public static func locateWeights(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let option { return option }
        if let value = environment[environmentVariable], !value.isEmpty { return value }
        let home = environment["HF_HOME"].map { $0 + "/hub" } ?? environment["HUGGINGFACE_HUB_CACHE"]
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.cache/huggingface/hub")
        let snapshots = home + "/models--facebook--mask2former-swin-small-coco-instance/snapshots"
        let revisions = ((try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []).sorted()
        if let folder = revisions.map({ snapshots + "/" + $0 }).first(where: { FileManager.default.fileExists(atPath: $0 + "/config.json") }) {
            return folder
        }
        throw Mask2FormerError.weightsNotFound(path: snapshots, detail: "no detector weights found. " + howToGetWeights)
    }

    /// mmdet's instances for one image.
    public func instances(_ image: RGBImage) throws -> [MaskFormerInstance] {
        let input = try pipeline(image)
        let logits = try model(input.pixels)
        let pairs = logits.classLogits.shape[0] * (logits.classLogits.shape[1] - 1)
        return MaskFormerInstances.postprocess(classLogits: logits.classLogits, maskLogits: logits.maskLogits, padded: input.padded,
                                               resized: input.resized, original: input.original, maxPerImage: min(maxPerImage, pairs))
    }

    /// Raw detections per class name, each class's list by descending score, with masks.
    public func detect(_ image: RGBImage) throws -> [String: [ObjectDetection]] {
        var out: [String: [ObjectDetection]] = [:]
        for instance in try instances(image) {
            let name = model.config.labels[instance.label]
            out[name, default: []].append(ObjectDetection(box: instance.box.map(Double.init), score: Double(instance.score), mask: instance.mask))
        }
        return out
    }
}
