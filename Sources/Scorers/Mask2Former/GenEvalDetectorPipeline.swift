import Formats
import Tensors

/// GenEval's detector input (mmdet 2.x `test_pipeline` of `mask2former_swin-s-p4-w7-224_lsj_8x2_50e_coco`):
/// Resize(img_scale=(1333, 800), keep_ratio) with cv2 INTER_LINEAR on the 8-bit image, Normalize (RGB, mean
/// (123.675, 116.28, 103.53), std (58.395, 57.12, 57.375), in f32), Pad(size_divisor=32) with zeros after
/// normalising, bottom and right.
public struct GenEvalDetectorPipeline: Sendable {
    public struct Input: Sendable {
        /// [1, 3, padded height, padded width]
        public let pixels: Tensor
        /// (height, width) of the original, the resized and the padded image.
        public let original: (Int, Int)
        public let resized: (Int, Int)
        public let padded: (Int, Int)
        /// The resized 8-bit image (for tests against OpenCV).
        public let resizedImage: RGBImage
    }

    public static let mean: [Float] = [123.675, 116.28, 103.53]
    public static let std: [Float] = [58.395, 57.12, 57.375]
    /// (long side, short side) limits.
    public var scale: (long: Int, short: Int) = (1333, 800)
    public var sizeDivisor = 32

    public init() {}

    /// mmcv.rescale_size: s = min(long / max side, short / min side); each side int(side·s + 0.5).
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        let factor = min(Double(scale.long) / Double(max(width, height)), Double(scale.short) / Double(min(width, height)))
        return (Int(Double(width) * factor + 0.5), Int(Double(height) * factor + 0.5))
    }

    public func callAsFunction(_ image: RGBImage) throws -> Input {
        guard image.width > 0, image.height > 0 else { throw Mask2FormerError.badInput(detail: "an empty image") }
        let (w, h) = resizedSize(width: image.width, height: image.height)
        guard w > 0, h > 0 else { throw Mask2FormerError.badInput(detail: "\(image.width)×\(image.height) resizes to \(w)×\(h)") }
        let resized = OpenCVLinearResize.resize(image, width: w, height: h)
        let ph = (h + sizeDivisor - 1) / sizeDivisor * sizeDivisor, pw = (w + sizeDivisor - 1) / sizeDivisor * sizeDivisor
        let pixels = Tensor(zeros: [1, 3, ph, pw])
        let inverse = Self.std.map { 1 / $0 }
        pixels.withMutableFloats { dst in
            for c in 0..<3 {
                let plane = dst.baseAddress! + c * ph * pw
                for y in 0..<h { for x in 0..<w {
                    plane[y * pw + x] = (Float(resized.pixels[(y * w + x) * 3 + c]) - Self.mean[c]) * inverse[c]
                } }
            }
        }
        return Input(pixels: pixels, original: (image.height, image.width), resized: (h, w), padded: (ph, pw), resizedImage: resized)
    }
}
