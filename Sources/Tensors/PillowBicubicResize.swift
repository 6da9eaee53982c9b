/// Pillow's `Image.resize(size, Image.BICUBIC)` (libImaging/Resample.c), reproduced exactly:
/// a separable convolution with the bicubic kernel (a = −0.5) whose support is widened by the scale when
/// shrinking (so shrinking is antialiased), coefficients normalised per output pixel; a horizontal pass into an
/// intermediate image, then a vertical pass. For 8-bit images coefficients are fixed-point (22 fractional bits)
/// and the intermediate image is 8-bit, rounded and clipped, as in Pillow; float ("F") images stay in double.
public enum PillowBicubicResize {
    static let precisionBits = 32 - 8 - 2

    static func filter(_ value: Double) -> Double {
        let a = -0.5
        let x = abs(value)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// Per output pixel: first input index and normalised weights.
    static func coefficients(input: Int, output: Int) -> (bounds: [(Int, Int)], weights: [[Double]]) {
        let scale = Double(input) / Double(output)
        let filterScale = max(scale, 1)
        let support = 2.0 * filterScale
        var bounds: [(Int, Int)] = [], weights: [[Double]] = []
        for xx in 0..<output {
            let center = (Double(xx) + 0.5) * scale
            let ss = 1 / filterScale
            var xmin = Int(center - support + 0.5); if xmin < 0 { xmin = 0 }
            var xmax = Int(center + support + 0.5); if xmax > input { xmax = input }
            xmax -= xmin
            var k = (0..<xmax).map { filter((Double($0 + xmin) - center + 0.5) * ss) }
            let total = k.reduce(0, +)
            if total != 0 { k = k.map { $0 / total } }
            bounds.append((xmin, xmax))
            weights.append(k)
        }
        return (bounds, weights)
    }

    static func fixedPoint(_ weights: [[Double]]) -> [[Int32]] {
        weights.map { row in row.map { k in
            k < 0 ? Int32(-0.5 + k * Double(1 << precisionBits)) : Int32(0.5 + k * Double(1 << precisionBits))
        } }
    }

    @inline(__always) static func clip8(_ v: Int64) -> UInt8 {
        let s = v >> Int64(precisionBits)
        return s < 0 ? 0 : (s > 255 ? 255 : UInt8(s))
    }

    /// Resizes interleaved 8-bit pixels (`channels` per pixel, e.g. 3 for RGB) to `width`×`height`.
    public static func resize(uint8 pixels: [UInt8], width: Int, height: Int, channels: Int,
                              toWidth outW: Int, toHeight outH: Int) -> [UInt8] {
        precondition(pixels.count == width * height * channels && outW > 0 && outH > 0)
        var current = pixels, curW = width
        // Pillow resizes only the axes whose size changes; horizontal first.
        if outW != width {
            let (bounds, weights) = coefficients(input: width, output: outW)
            let k = fixedPoint(weights)
            var next = [UInt8](repeating: 0, count: outW * height * channels)
            for y in 0..<height { for x in 0..<outW { for c in 0..<channels {
                var ss = Int64(1 << (precisionBits - 1))
                let (x0, n) = bounds[x]
                for i in 0..<n { ss += Int64(current[(y * width + x0 + i) * channels + c]) * Int64(k[x][i]) }
                next[(y * outW + x) * channels + c] = clip8(ss)
            } } }
            current = next; curW = outW
        }
        if outH != height {
            let (bounds, weights) = coefficients(input: height, output: outH)
            let k = fixedPoint(weights)
            var next = [UInt8](repeating: 0, count: curW * outH * channels)
            for y in 0..<outH { for x in 0..<curW { for c in 0..<channels {
                var ss = Int64(1 << (precisionBits - 1))
                let (y0, n) = bounds[y]
                for i in 0..<n { ss += Int64(current[((y0 + i) * curW + x) * channels + c]) * Int64(k[y][i]) }
                next[(y * curW + x) * channels + c] = clip8(ss)
            } } }
            current = next
        }
        return current
    }

    /// Resizes a single-channel float image (Pillow mode "F"), row-major, in double precision.
    public static func resize(float pixels: [Float], width: Int, height: Int, toWidth outW: Int, toHeight outH: Int) -> [Float] {
        precondition(pixels.count == width * height && outW > 0 && outH > 0)
        var current = pixels, curW = width
        if outW != width {
            let (bounds, k) = coefficients(input: width, output: outW)
            var next = [Float](repeating: 0, count: outW * height)
            for y in 0..<height { for x in 0..<outW {
                var ss = 0.0
                let (x0, n) = bounds[x]
                for i in 0..<n { ss += Double(current[y * width + x0 + i]) * k[x][i] }
                next[y * outW + x] = Float(ss)
            } }
            current = next; curW = outW
        }
        if outH != height {
            let (bounds, k) = coefficients(input: height, output: outH)
            var next = [Float](repeating: 0, count: curW * outH)
            for y in 0..<outH { for x in 0..<curW {
                var ss = 0.0
                let (y0, n) = bounds[y]
                for i in 0..<n { ss += Double(current[(y0 + i) * curW + x]) * k[y][i] }
                next[y * curW + x] = Float(ss)
            } }
            current = next
        }
        return current
    }
}
