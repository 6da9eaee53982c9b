import Foundation
import Formats
import Tensors

/// Mask2Former for COCO instance segmentation with a Swin backbone, in parity with transformers'
/// `Mask2FormerForUniversalSegmentation` (4.57.6): backbone → pixel decoder → masked-attention decoder →
/// class logits [Q, num_labels + 1] and mask logits [Q, H/4, W/4] of the last decoder layer.
public struct Mask2FormerModel: Sendable {
    /// Raw outputs for one image.
    public struct Logits: Sendable {
        /// [Q, num_labels + 1] (the last column is "no object").
        public let classLogits: Tensor
        /// [Q, H/4, W/4] for an input of H × W.
        public let maskLogits: Tensor
        /// The four backbone maps and the mask features, for localising a divergence in tests.
        public let backboneFeatures: [Tensor]
        public let maskFeatures: Tensor
    }

    public let config: Mask2FormerConfig
    let backbone: SwinBackbone
    let pixelDecoder: PixelDecoder
    let decoder: MaskedAttentionDecoder
    /// Names the checkpoint held that the network does not read (buffers and training-only tensors).
    public let droppedTensors: [String]

    /// Builds the network from a checkpoint in either layout, strictly: every tensor used (or in the layout's
    /// known-unused list), every shape checked. `layout` nil: decided from the tensor names.
    public init(config: Mask2FormerConfig, weights: TensorProvider, layout: Mask2FormerKeyMap.Layout? = nil) throws {
        self.config = config
        let layout = layout ?? Mask2FormerKeyMap.detect(weights.tensorNames)
        let loader = WeightLoader(weights, sanitize: { Mask2FormerKeyMap.sanitize($0, layout: layout, config: config) })
        backbone = try SwinBackbone(loader, prefix: "model.pixel_level_module.encoder.", config: config.backbone)
        pixelDecoder = try PixelDecoder(loader, prefix: "model.pixel_level_module.decoder.", config: config)
        decoder = try MaskedAttentionDecoder(loader, prefix: "model.transformer_module.", classPrefix: "class_predictor", config: config)
        try loader.finish()
        droppedTensors = loader.dropped
    }

    /// `pixels`: [1, 3, H, W] f32, already normalised (and padded as the pipeline wants).
    public func callAsFunction(_ pixels: Tensor) throws -> Logits {
        guard pixels.rank == 4, pixels.shape[0] == 1, pixels.shape[1] == config.backbone.numChannels, pixels.dtype == .f32 else {
            throw Mask2FormerError.badInput(detail: "expected an f32 tensor [1, \(config.backbone.numChannels), H, W], found \(pixels.dtype) \(pixels.shape)")
        }
        guard pixels.shape[2] >= 32, pixels.shape[3] >= 32 else {
            throw Mask2FormerError.badInput(detail: "the image is \(pixels.shape[3])×\(pixels.shape[2]); at least 32×32 is needed (the coarsest level is 1/32)")
        }
        let features = backbone(pixels)
        let pixel = pixelDecoder(features)
        let out = decoder(multiScale: pixel.multiScale, maskFeatures: pixel.maskFeatures)
        return Logits(classLogits: out.classLogits, maskLogits: out.maskLogits, backboneFeatures: features,
                      maskFeatures: pixel.maskFeatures)
    }
}
