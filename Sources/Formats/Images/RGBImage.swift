/// An 8-bit RGB image, pixels interleaved row by row (what the Janus preprocessing and GenEval work on).
public struct RGBImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// width × height × 3 bytes.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A solid image.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8)) {
        self.init(width: width, height: height, pixels: (0..<width * height).flatMap { _ in [fill.0, fill.1, fill.2] })
    }

    public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}
