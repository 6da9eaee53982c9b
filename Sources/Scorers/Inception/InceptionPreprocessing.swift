import Formats
import Tensors

/// How an image becomes the network's 3 × 299 × 299 input; named in every result (`fid_mode`).
public enum FIDPreprocessing: String, CaseIterable, Sendable {
    /// pytorch-fid 0.3.0: Pillow's `convert('RGB')`, `ToTensor` (x / 255), `F.interpolate` to 299 × 299 bilinear,
    /// `align_corners=False`, no antialias (it aliases when shrinking), then 2x − 1.
    case pytorchFID = "pytorch-fid"
    /// clean-fid @ e88c4d6 `mode="clean"`: each channel as a float32 Pillow "F" image resized to 299 × 299 with
    /// Pillow's bicubic filter (antialiased when shrinking, not quantised), clipped to [0, 255], then (x − 128) / 128
    /// (its TorchScript network's normalisation; 255 maps to 0.9921875).
    case clean

    /// The network input for one image, CHW floats (3 · 299 · 299).
    public func input(_ image: RGBImage) -> [Float] {
        let (w, h) = (image.width, image.height), size = InceptionV3.inputSize
        switch self {
        case .pytorchFID:
            var chw = [Float](repeating: 0, count: 3 * w * h)
            image.pixels.withUnsafeBufferPointer { p in
                for i in 0..<(w * h) { for c in 0..<3 { chw[c * w * h + i] = Float(p[i * 3 + c]) / 255 } }
            }
            let resized = BilinearResize.resize(Tensor(shape: [1, 3, h, w], floats: chw), height: size, width: size).toFloats()
            return resized.map { 2 * $0 - 1 }
        case .clean:
            var out: [Float] = []
            out.reserveCapacity(3 * size * size)
            for c in 0..<3 {
                var plane = [Float](repeating: 0, count: w * h)
                image.pixels.withUnsafeBufferPointer { p in for i in 0..<(w * h) { plane[i] = Float(p[i * 3 + c]) } }
                let resized = PillowBicubicResize.resize(float: plane, width: w, height: h, toWidth: size, toHeight: size)
                out += resized.map { (min(max($0, 0), 255) - 128) / 128 }
            }
            return out
        }
    }
}
