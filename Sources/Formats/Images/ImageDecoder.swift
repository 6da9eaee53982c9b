import Foundation

/// Reads input images whatever their format, found by signature (never by file name): PNG (`\x89PNG`) through
/// `PNGCodec`, JPEG (`FF D8 FF`) through `JPEGCodec`; both give Pillow's `Image.open(...).convert("RGB")`.
/// EXIF orientation is not applied (as Pillow's `Image.open`) unless `exifTranspose` is set: then a JPEG's EXIF
/// orientation is applied as `ImageOps.exif_transpose` (GenEval's colour crops) and OpenCV's `imread` do.
public enum ImageDecoder {
    public enum Format: String, Sendable { case png, jpeg }

    public static func format(of data: Data) -> Format? {
        let head = [UInt8](data.prefix(4))
        if head == [0x89, 0x50, 0x4E, 0x47] { return .png }
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        return nil
    }

    public static func read(file path: String, exifTranspose: Bool = false) throws -> RGBImage {
        try decode(try contents(of: path), file: path, exifTranspose: exifTranspose)
    }

    public static func decode(_ data: Data, file: String = "<memory>", exifTranspose: Bool = false) throws -> RGBImage {
        switch format(of: data) {
        case .png: return try PNGCodec.decode(data, file: file)
        case .jpeg:
            let image = try JPEGCodec.decode(data, file: file)
            return exifTranspose ? image.exifTransposed(orientation: JPEGCodec.exifOrientation(data) ?? 1) : image
        case nil:
            let head = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ImageError(file: file, detail: data.isEmpty ? "empty file, not an image"
                             : "not a PNG or JPEG image (first bytes: \(head))")
        }
    }

    static func contents(of path: String) throws -> Data {
        guard let data = FileContents.read(path) else {
            throw ImageError(file: path, detail: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        return data
    }
}
