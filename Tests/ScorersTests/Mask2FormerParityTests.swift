import Foundation
import Formats
import Scorers
import Tensors
import Testing
import TestSupport

/// Mask2Former Swin vs transformers' Mask2FormerForUniversalSegmentation (4.57.6) on seeded random weights at a tiny
/// config (tools/reference/make_mask2former_fixtures.py). Tolerance: max |Δ| ≤ 1e-4 × max |reference| per output.
@Suite struct Mask2FormerParityTests {
    static let folder = "mask2former/tiny"

    static func model() throws -> Mask2FormerModel {
        let config = try Mask2FormerConfig.load(path: FixturePaths.path(folder + "/config.json"))
        return try Mask2FormerModel(config: config, weights: try SafetensorsFile(path: FixturePaths.path(folder + "/model.safetensors")))
    }

    static func expect(_ name: String, _ got: Tensor, _ want: Tensor, relative: Double = 1e-4) {
        let (a, b) = (got.toFloats(), want.toFloats())
        #expect(a.count == b.count, "\(name): \(got.shape) vs \(want.shape)")
        guard a.count == b.count else { return }
        let scale = Double(b.map { abs($0) }.max() ?? 0)
        let (worst, _) = NumericComparison.maxAbsDifference(a, b)
        print("Mask2Former tiny \(name) \(want.shape): max |Δ| \(worst), max |ref| \(scale), ratio \(worst / max(scale, 1e-30))")
        #expect(worst <= relative * scale, "\(name): \(NumericComparison.describeDivergence(a, b, shape: want.shape))")
    }

    @Test func logitsEqualTransformers() throws {
        let expected = try SafetensorsFile(path: FixturePaths.path(Self.folder + "/expected.safetensors"))
        let model = try Self.model()
        #expect(model.config.labels == ["person", "bicycle", "car", "motorcycle", "airplane"])
        let out = try model(try expected.tensor(named: "pixel_values").toF32())
        Self.expect("encoder_feature_0", out.backboneFeatures[0], try expected.tensor(named: "encoder_feature_0"))
        Self.expect("encoder_feature_3", out.backboneFeatures[3], try expected.tensor(named: "encoder_feature_3"))
        Self.expect("mask_features", out.maskFeatures, try expected.tensor(named: "mask_features"))
        let classLogits = try expected.tensor(named: "class_queries_logits")
        let maskLogits = try expected.tensor(named: "masks_queries_logits")
        Self.expect("class_queries_logits", out.classLogits.reshaped(classLogits.shape), classLogits)
        Self.expect("masks_queries_logits", out.maskLogits.reshaped(maskLogits.shape), maskLogits)
    }

    @Test func droppedTensorsAreOnlyBuffersAndTheLossWeights() throws {
        let model = try Self.model()
        #expect(model.droppedTensors.contains("criterion.empty_weight"))
        #expect(model.droppedTensors.allSatisfy { $0 == "criterion.empty_weight" || $0.hasSuffix(".relative_position_index") })
        #expect(model.droppedTensors.count == 1 + 8)
    }
}

/// The mmdet 2.x checkpoint layout (`mask2former_swin-s-p4-w7-224_lsj_8x2_50e_coco` .pth: {"state_dict", "meta"}):
/// tools/reference/make_mask2former_fixtures.py writes the tiny random weights in that layout by the documented
/// inverse of Mask2FormerKeyMap.mmdet (fused qkv and self-attention in_proj, nn.Unfold channel order, mmcv module
/// names); loading it must use every tensor and give the same logits.
@Suite struct Mask2FormerMMDetLayoutTests {
    @Test func mmdetCheckpointLoadsStrictlyAndGivesTheSameLogits() throws {
        let folder = "mask2former/tiny"
        let config = try Mask2FormerConfig.load(path: FixturePaths.path(folder + "/config.json"))
        let checkpoint = try PyTorchCheckpoint(path: FixturePaths.path(folder + "/mmdet_layout.pth"))
        #expect(Mask2FormerKeyMap.detect(checkpoint.tensorNames) == .mmdet)
        #expect(checkpoint.tensorNames.count == 253)
        #expect(checkpoint.notes.contains { $0.contains("meta") }, "the inert meta entries are noted, not loaded")
        let model = try Mask2FormerModel(config: config, weights: checkpoint)
        // Only the Swin relative_position_index buffers are dropped: every other tensor was taken.
        #expect(model.droppedTensors.count == 8 && model.droppedTensors.allSatisfy { $0.hasSuffix(".relative_position_index") })
        let expected = try SafetensorsFile(path: FixturePaths.path(folder + "/expected.safetensors"))
        let out = try model(try expected.tensor(named: "pixel_values").toF32())
        let classLogits = try expected.tensor(named: "class_queries_logits")
        let maskLogits = try expected.tensor(named: "masks_queries_logits")
        Mask2FormerParityTests.expect("mmdet layout class_queries_logits", out.classLogits.reshaped(classLogits.shape), classLogits)
        Mask2FormerParityTests.expect("mmdet layout masks_queries_logits", out.maskLogits.reshaped(maskLogits.shape), maskLogits)
    }

    @Test func anUnknownMMDetTensorIsReportedUnused() throws {
        let folder = "mask2former/tiny"
        let config = try Mask2FormerConfig.load(path: FixturePaths.path(folder + "/config.json"))
        let checkpoint = try PyTorchCheckpoint(path: FixturePaths.path(folder + "/mmdet_layout.pth"))
        struct Extra: TensorProvider {
            let base: PyTorchCheckpoint
            var tensorNames: [String] { base.tensorNames + ["state_dict.panoptic_head.extra.weight"] }
            func tensor(named name: String) throws -> Tensor {
                name.hasSuffix("extra.weight") ? Tensor(zeros: [2]) : try base.tensor(named: name)
            }
            var sourceDescription: String { base.sourceDescription }
        }
        #expect(throws: LoadingError.self) { try Mask2FormerModel(config: config, weights: Extra(base: checkpoint)) }
    }
}
