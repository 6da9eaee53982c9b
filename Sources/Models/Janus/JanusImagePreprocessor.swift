import Formats
import Tensors

/// The reference image preprocessing (VLMImageProcessor): long side to `imageSize` keeping the aspect ratio with
/// Python's truncating int() (at least `minSize`), Pillow bicubic with antialiasing, pasted on a square canvas of
/// (127, 127, 127) — at y = (W − H) // 2 when wider, x = (H − W) // 2 when taller — then scaled to [−1, 1].
public struct JanusImagePreprocessor: Sendable {
    public var imageSize: Int
    public var minSize = 14
    public var background: (UInt8, UInt8, UInt8) = (127, 127, 127)

    public init(imageSize: Int) { self.imageSize = imageSize }

    /// [3, imageSize, imageSize] f32 in [−1, 1].
    public func callAsFunction(_ image: RGBImage) -> Tensor {
        let (w, h) = (image.width, image.height)
        let longest = Double(max(w, h))
        let newH = max(Int(Double(h) / longest * Double(imageSize)), minSize)
        let newW = max(Int(Double(w) / longest * Double(imageSize)), minSize)
        let resized = (newW == w && newH == h) ? image.pixels
            : PillowBicubicResize.resize(uint8: image.pixels, width: w, height: h, channels: 3, toWidth: newW, toHeight: newH)
        var canvas: [UInt8]
        var (offsetX, offsetY) = (0, 0)
        if newW == newH {
            canvas = resized
        } else {
            let side = max(newW, newH)
            canvas = [UInt8](repeating: 0, count: side * side * 3)
            for i in 0..<(side * side) { canvas[3 * i] = background.0; canvas[3 * i + 1] = background.1; canvas[3 * i + 2] = background.2 }
            if newW > newH { offsetY = (newW - newH) / 2 } else { offsetX = (newH - newW) / 2 }
            for y in 0..<newH { for x in 0..<newW { for c in 0..<3 {
                canvas[((y + offsetY) * side + x + offsetX) * 3 + c] = resized[(y * newW + x) * 3 + c]
            } } }
        }
        let side = Int(Double(canvas.count / 3).squareRoot())
        // Pillow would leave a non-target square as is; the reference's canvas is the larger side, which equals imageSize.
        let out = Tensor(zeros: [3, side, side])
        out.withMutableFloats { dst in
            for i in 0..<(side * side) { for c in 0..<3 {
                // (x / 255 − 0.5) / 0.5, in f32 as numpy computes it from the rescaled float image
                let rescaled = Float(canvas[3 * i + c]) * Float(1.0 / 255.0)
                dst[c * side * side + i] = (rescaled - 0.5) / 0.5
            } }
        }
        return out
    }
}
