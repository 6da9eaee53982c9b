import Formats

/// `cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)` on an 8-bit image, bit for bit (checked against
/// opencv-python 5.0 on fixtures): OpenCV's fixed-point bilinear. Per axis, the source coordinate
/// f = (float)((d + 0.5)·src/dst − 0.5), s = ⌊f⌋, weights round((1 − (f − s))·2048) and round((f − s)·2048).
/// Horizontally s < 0 becomes (0, weight 0) and s ≥ src − 1 a single tap ×2048; vertically the weights are kept and
/// the two source rows are clamped into the image. Rows are combined as OpenCV's SIMD path does:
/// ((((a >> 4)·b0) >> 16) + (((c >> 4)·b1) >> 16) + 2) >> 2, saturated to 0…255.
public enum OpenCVLinearResize {
    struct Taps { var offset: Int; var w0: Int32; var w1: Int32 }

    /// cvRound of a float: round half to even.
    static func round(_ v: Float) -> Int32 { Int32(v.rounded(.toNearestOrEven)) }

    static func taps(source: Int, destination: Int, clampAtEdges: Bool) -> [Taps] {
        let scale = Double(source) / Double(destination)
        return (0..<destination).map { d in
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var s = Int(f.rounded(.down))
            f -= Float(s)
            if clampAtEdges {
                if s < 0 { f = 0; s = 0 }
                if s >= source - 1 { f = 0; s = source - 1 }
            }
            return Taps(offset: s, w0: round((1 - f) * 2048), w1: round(f * 2048))
        }
    }

    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0)
        let (sw, sh) = (image.width, image.height)
        let tx = taps(source: sw, destination: width, clampAtEdges: true)
        let ty = taps(source: sh, destination: height, clampAtEdges: false)
        // Horizontal pass into Int32 rows (×2048).
        var rows = [Int32](repeating: 0, count: sh * width * 3)
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<sh {
                let line = y * sw * 3, out = y * width * 3
                for x in 0..<width {
                    let t = tx[x]
                    for c in 0..<3 {
                        let a = Int32(src[line + t.offset * 3 + c])
                        if t.offset + 1 < sw {
                            rows[out + x * 3 + c] = a * t.w0 + Int32(src[line + (t.offset + 1) * 3 + c]) * t.w1
                        } else {
                            rows[out + x * 3 + c] = a * 2048
                        }
                    }
                }
            }
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let t = ty[y]
            let r0 = min(max(t.offset, 0), sh - 1) * width * 3, r1 = min(max(t.offset + 1, 0), sh - 1) * width * 3
            for i in 0..<(width * 3) {
                let a = ((rows[r0 + i] >> 4) * t.w0) >> 16, b = ((rows[r1 + i] >> 4) * t.w1) >> 16
                pixels[y * width * 3 + i] = UInt8(clamping: (a + b + 2) >> 2)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
