import Formats
import Tensors

/// open_clip's evaluation transform for ViT-L-14 "openai" (open_clip 2.20 `image_transform(224, is_train=False)`,
/// what GenEval's colour classifier uses):
/// 1. `Resize(224, BICUBIC)` on the PIL image: the shorter side becomes 224, the longer `int(224 · long / short)`
///    (torchvision truncates), by Pillow's bicubic resampling on 8-bit RGB (`PillowBicubicResize`);
/// 2. `CenterCrop(224)`: offsets `int(round((side − 224) / 2))`, Python's round (half to even);
/// 3. `ToTensor` (÷255) and `Normalize` with OpenAI's mean (0.48145466, 0.4578275, 0.40821073) and std
///    (0.26862954, 0.26130258, 0.27577711), in float32 as torchvision computes it.
public struct CLIPImagePreprocessor: Sendable {
    public static let mean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    public static let std: [Float] = [0.26862954, 0.26130258, 0.27577711]
    public let size: Int

    public init(size: Int = 224) { self.size = size }

    /// Python's round() on a half-integer-or-integer quotient: half to even.
    static func roundHalfEven(_ x: Double) -> Int {
        let r = x.rounded(.toNearestOrEven)
        return Int(r)
    }

    /// Steps 1 and 2: the 8-bit image the float conversion starts from.
    public func resizedAndCropped(_ image: RGBImage) throws -> RGBImage {
        let w = image.width, h = image.height
        guard w > 0, h > 0 else { throw CLIPError.invalidInput("an empty \(w)x\(h) image cannot be preprocessed") }
        let short = min(w, h), long = max(w, h)
        let newLong = Int(Double(size) * Double(long) / Double(short))
        let (rw, rh) = w <= h ? (size, newLong) : (newLong, size)
        guard rw >= size, rh >= size else {
            throw CLIPError.invalidInput("a \(w)x\(h) image resizes to \(rw)x\(rh), smaller than the \(size)x\(size) crop")
        }
        let resized = (rw == w && rh == h) ? image.pixels
            : PillowBicubicResize.resize(uint8: image.pixels, width: w, height: h, channels: 3, toWidth: rw, toHeight: rh)
        let top = Self.roundHalfEven(Double(rh - size) / 2), left = Self.roundHalfEven(Double(rw - size) / 2)
        var out = [UInt8](repeating: 0, count: size * size * 3)
        for y in 0..<size {
            let s = ((top + y) * rw + left) * 3, d = y * size * 3
            for i in 0..<(size * 3) { out[d + i] = resized[s + i] }
        }
        return RGBImage(width: size, height: size, pixels: out)
    }

    /// Step 3 on an already resized and cropped image: [3, size, size] floats.
    public func normalize(_ image: RGBImage) -> [Float] {
        precondition(image.width == size && image.height == size)
        var out = [Float](repeating: 0, count: 3 * size * size)
        let n = size * size
        for c in 0..<3 {
            let m = Self.mean[c], s = Self.std[c]
            for i in 0..<n { out[c * n + i] = (Float(image.pixels[i * 3 + c]) / 255 - m) / s }
        }
        return out
    }

    /// All three steps for a batch: [batch, 3, size, size].
    public func batch(_ images: [RGBImage]) throws -> Tensor {
        var values: [Float] = []
        values.reserveCapacity(images.count * 3 * size * size)
        for image in images { values += normalize(try resizedAndCropped(image)) }
        return Tensor(shape: [images.count, 3, size, size], floats: values)
    }
}
