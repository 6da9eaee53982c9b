import CPNGCodec
import Foundation

/// Errors from reading or writing PNG files; each names the file.
public struct ImageError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var detail: String
    public var description: String { "\(file): \(detail)" }
    public init(file: String, detail: String) { self.file = file; self.detail = detail }
}

/// PNG reading and writing through libpng (a C shim owns libpng's setjmp/longjmp error path).
///
/// Reading converts every PNG colour type and bit depth to RGB8 exactly as Pillow's
/// `Image.open(path).convert("RGB")` does, which is what the Janus preprocessing calls: alpha is dropped without
/// compositing, palette transparency is ignored, 1/2/4-bit samples are scaled to 0–255, 16-bit colour samples keep
/// their high byte, and 16-bit grey (Pillow's "I;16") is clipped to 255.
public enum PNGCodec {
    /// Larger images are refused before any pixel memory is allocated.
    public static let maxPixels: UInt64 = 1 << 28

    public static func read(file path: String) throws -> RGBImage {
        guard let data = FileContents.read(path) else {
            throw ImageError(file: path, detail: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        return try decode(data, file: path)
    }

    public static func decode(_ data: Data, file: String = "<memory>") throws -> RGBImage {
        var image = jpng_image()
        var message = [CChar](repeating: 0, count: 512)
        let status = data.withUnsafeBytes { raw in
            jpng_decode(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, maxPixels, &image, &message, message.count)
        }
        guard status == 0, let pixels = image.pixels else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw ImageError(file: file, detail: "cannot decode PNG: \(text)")
        }
        defer { jpng_free(pixels) }
        let count = Int(image.width) * Int(image.height) * 3
        return RGBImage(width: Int(image.width), height: Int(image.height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    public static func encode(_ image: RGBImage) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = image.pixels.withUnsafeBufferPointer { p in
            jpng_encode_rgb(p.baseAddress, UInt32(image.width), UInt32(image.height), &out, &size, &message, message.count)
        }
        guard status == 0, let out else {
            throw ImageError(file: "<memory>", detail: "cannot encode PNG: " + message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        defer { jpng_free(out) }
        return Data(bytes: out, count: size)
    }

    public static func write(_ image: RGBImage, to path: String) throws {
        let data = try encode(image)
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ImageError(file: path, detail: "cannot write: \(FileProblem.writeReason(path, error: error))")
        }
    }
}
