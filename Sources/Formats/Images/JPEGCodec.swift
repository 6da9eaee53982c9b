import CJPEGCodec
import Foundation

/// JPEG reading through libjpeg-turbo (a C shim owns libjpeg's setjmp/longjmp error path).
///
/// `decode` gives the RGB8 pixels of Pillow's `Image.open(path).convert("RGB")` bit for bit (Pillow's decoder is
/// libjpeg-turbo with its defaults: accurate integer IDCT, fancy upsampling): baseline and progressive, every
/// chroma subsampling, restart markers, arithmetic coding; grey is replicated; CMYK and YCCK files are read as
/// Adobe-inverted CMYK (Pillow's rawmode "CMYK;I") and converted with Pillow's `cmyk2rgb`. EXIF orientation is not
/// applied (Pillow's `Image.open` does not rotate); `exifOrientation` and `RGBImage.exifTransposed` do that where a
/// suite's rule asks for it. 12-bit files, truncated files and libjpeg's corrupt-data warnings are errors.
public enum JPEGCodec {
    /// Pillow refuses images above twice `Image.MAX_IMAGE_PIXELS` (89,478,485) as decompression bombs; so do we,
    /// after reading the header and before any pixel memory is allocated.
    public static let maxPixels: UInt64 = 2 * 89_478_485

    public static func read(file path: String) throws -> RGBImage {
        try decode(try ImageDecoder.contents(of: path), file: path)
    }

    public static func decode(_ data: Data, file: String = "<memory>") throws -> RGBImage {
        var image = jjpg_image()
        var message = [CChar](repeating: 0, count: 512)
        let status = data.withUnsafeBytes { raw in
            jjpg_decode(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, maxPixels, &image, &message, message.count)
        }
        guard status == 0, let pixels = image.pixels else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw ImageError(file: file, detail: "cannot decode JPEG: \(text)")
        }
        defer { jjpg_free(pixels) }
        let count = Int(image.width) * Int(image.height) * 3
        return RGBImage(width: Int(image.width), height: Int(image.height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// The EXIF orientation tag (0x0112, values 1–8) of a JPEG's APP1 "Exif" segment, either byte order;
    /// nil when the file has no EXIF orientation (or an out-of-range value).
    public static func exifOrientation(_ data: Data) -> Int? {
        let b = [UInt8](data)
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0xD9 || marker == 0xDA { return nil }  // end of image / start of scan: no more metadata
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.count else { return nil }
            let start = i + 4, end = i + 2 + length
            if marker == 0xE1, end - start >= 14, Array(b[start..<start + 6]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                if let o = tiffOrientation(Array(b[(start + 6)..<end])) { return o }
            }
            i = end
        }
        return nil
    }

    private static func tiffOrientation(_ t: [UInt8]) -> Int? {
        guard t.count >= 8 else { return nil }
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= t.count else { return nil }
            return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for n in 0..<count {
            let entry = ifd + 2 + 12 * n
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                guard let type = u16(entry + 2), type == 3, let value = u16(entry + 8) else { return nil }
                return (1...8).contains(value) ? value : nil
            }
        }
        return nil
    }
}

extension RGBImage {
    /// Pillow's `ImageOps.exif_transpose` for an EXIF orientation (1–8; anything else returns the image unchanged):
    /// 2 FLIP_LEFT_RIGHT, 3 ROTATE_180, 4 FLIP_TOP_BOTTOM, 5 TRANSPOSE, 6 ROTATE_270, 7 TRANSVERSE, 8 ROTATE_90.
    /// OpenCV's `imread` applies the same rotation by default.
    public func exifTransposed(orientation: Int) -> RGBImage {
        guard (2...8).contains(orientation) else { return self }
        let swaps = orientation >= 5
        let w = swaps ? height : width, h = swaps ? width : height
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                // (sx, sy): the source pixel shown at (x, y).
                let sx: Int, sy: Int
                switch orientation {
                case 2: sx = width - 1 - x; sy = y
                case 3: sx = width - 1 - x; sy = height - 1 - y
                case 4: sx = x; sy = height - 1 - y
                case 5: sx = y; sy = x
                case 6: sx = y; sy = height - 1 - x
                case 7: sx = width - 1 - y; sy = height - 1 - x
                default: sx = width - 1 - y; sy = x  // 8
                }
                let s = (sy * width + sx) * 3, d = (y * w + x) * 3
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
