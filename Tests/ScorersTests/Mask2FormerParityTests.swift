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
