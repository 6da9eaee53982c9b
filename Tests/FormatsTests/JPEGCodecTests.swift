import Foundation
import Formats
import Testing
import TestSupport

/// JPEG fixtures (tools/reference/make_jpeg_fixtures.py): every variant decodes to the RGB bytes of Pillow's
/// `Image.open(p).convert("RGB")`, and to OpenCV's `imread` after `exifTransposed` (where OpenCV and Pillow agree on
/// the colour conversion: not CMYK, which OpenCV converts its own way).
@Suite struct JPEGCodecTests {
    struct Fixture: Decodable {
        let file: String
        let width: Int
        let height: Int
        let pillow_mode: String
        let exif_orientation: Int?
        let rgb_sha256: String
        let samples: [[Sample]]
        let opencv_width: Int
        let opencv_height: Int
        let opencv_rgb_sha256: String
    }
    enum Sample: Decodable {
        case int(Int), list([Int])
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Int.self) { self = .int(v) } else { self = .list(try c.decode([Int].self)) }
        }
    }
    struct Expected: Decodable { let fixtures: [Fixture] }
    static let fixtures: [Fixture] = try! JSONDecoder().decode(
        Expected.self, from: Data(contentsOf: FixturePaths.url("jpeg/expected.json"))).fixtures
    static let names = fixtures.map(\.file)

    static func fixture(_ name: String) -> Fixture { fixtures.first { $0.file == name }! }

    @Test func enoughFixtures() { #expect(Self.fixtures.count >= 30) }

    @Test(arguments: names)
    func matchesPillowConvertRGB(name: String) throws {
        let want = Self.fixture(name)
        let path = FixturePaths.path("jpeg/" + name)
        let image = try JPEGCodec.read(file: path)
        #expect(image.width == want.width && image.height == want.height)
        #expect(SHA256.hexDigest(image.pixels) == want.rgb_sha256, "\(name) (Pillow mode \(want.pillow_mode)) differs from Pillow")
        for sample in want.samples {
            guard case .int(let x) = sample[0], case .int(let y) = sample[1], case .list(let rgb) = sample[2] else { continue }
            let p = image[x, y]
            #expect([Int(p.0), Int(p.1), Int(p.2)] == rgb, "\(name) pixel (\(x), \(y))")
        }
        // The signature decides, never the name: the same bytes through ImageDecoder (and under a .png name).
        let renamed = FixturePaths.temporaryDirectory().appendingPathComponent("not-a-jpeg.png").path
        try Data(contentsOf: URL(fileURLWithPath: path)).write(to: URL(fileURLWithPath: renamed))
        #expect(try ImageDecoder.read(file: renamed) == image)
    }

    @Test(arguments: names)
    func exifOrientationAndOpenCV(name: String) throws {
        let want = Self.fixture(name)
        let data = try Data(contentsOf: FixturePaths.url("jpeg/" + name))
        #expect(JPEGCodec.exifOrientation(data) == want.exif_orientation, "\(name)")
        let rotated = try JPEGCodec.decode(data).exifTransposed(orientation: JPEGCodec.exifOrientation(data) ?? 1)
        #expect(rotated.width == want.opencv_width && rotated.height == want.opencv_height, "\(name)")
        if want.pillow_mode != "CMYK" {
            #expect(SHA256.hexDigest(rotated.pixels) == want.opencv_rgb_sha256, "\(name): ours + exif_transpose differs from cv2.imread")
        }
        #expect(try ImageDecoder.decode(data, exifTranspose: true) == rotated)
    }

    @Test func exifTransposeMatchesPillowOnATinyImage() {
        // 3×2: pixels numbered 0…5 row by row; Pillow's transposes of it.
        let image = RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })
        func order(_ o: Int) -> [UInt8] { let t = image.exifTransposed(orientation: o); return stride(from: 0, to: t.pixels.count, by: 3).map { t.pixels[$0] } }
        #expect(order(1) == [0, 1, 2, 3, 4, 5])
        #expect(order(2) == [2, 1, 0, 5, 4, 3])   // FLIP_LEFT_RIGHT
        #expect(order(3) == [5, 4, 3, 2, 1, 0])   // ROTATE_180
        #expect(order(4) == [3, 4, 5, 0, 1, 2])   // FLIP_TOP_BOTTOM
        #expect(order(5) == [0, 3, 1, 4, 2, 5])   // TRANSPOSE
        #expect(order(6) == [3, 0, 4, 1, 5, 2])   // ROTATE_270 (clockwise)
        #expect(order(7) == [5, 2, 4, 1, 3, 0])   // TRANSVERSE
        #expect(order(8) == [2, 5, 1, 4, 0, 3])   // ROTATE_90 (counter-clockwise)
        #expect(image.exifTransposed(orientation: 6).width == 2)
    }

    // MARK: bad input

    static let good = [UInt8](try! Data(contentsOf: FixturePaths.url("jpeg/baseline_420_q75_250x131.jpg")))
    static var sof: Int { (0..<good.count - 1).first { good[$0] == 0xFF && good[$0 + 1] == 0xC0 }! }

    private func error(_ bytes: [UInt8]) throws -> String {
        let path = FixturePaths.temporaryDirectory().appendingPathComponent("bad.jpg").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do { _ = try ImageDecoder.read(file: path); return "no error" } catch { return "\(error)" }
    }

    @Test func truncatedFilesAreRefusedWithTheOffset() throws {
        let half = Array(Self.good.prefix(Self.good.count / 2))
        let message = try error(half)
        #expect(message.contains("bad.jpg") && message.contains("truncated") && message.contains("byte \(half.count)"), "\(message)")
        #expect(try error(Array(Self.good.prefix(Self.sof + 4))).contains("truncated"))
        #expect(try error(Array(Self.good.dropLast(2))).contains("truncated"))  // Pillow refuses a missing EOI too
    }

    @Test func corruptEntropyDataIsAnError() throws {
        let mid = Self.good.count / 2
        var bytes = Self.good
        for i in mid..<(mid + 200) { bytes[i] = 0x55 }
        let message = try error(bytes)
        #expect(message.contains("corrupt JPEG data") || message.contains("Corrupt"), "\(message)")
    }

    @Test func hugeClaimIsRefusedBeforeAllocating() throws {
        var bytes = Self.good
        bytes[Self.sof + 5] = 0xFF; bytes[Self.sof + 6] = 0xDC; bytes[Self.sof + 7] = 0xFF; bytes[Self.sof + 8] = 0xDC
        let message = try error(bytes)
        #expect(message.contains("65500x65500") && message.contains("178956970"), "\(message)")
    }

    @Test func zeroDimensionsAreRefused() throws {
        var bytes = Self.good
        bytes[Self.sof + 5] = 0; bytes[Self.sof + 6] = 0
        let message = try error(bytes)
        #expect(message.contains("bad.jpg") && message != "no error", "\(message)")
    }

    @Test func twelveBitIsRefused() throws {
        var bytes = Self.good
        bytes[Self.sof + 4] = 12
        let message = try error(bytes)
        #expect(message.contains("12"), "\(message)")
    }

    @Test func garbageIsRefused() throws {
        #expect(try error([0xFF, 0xD8, 0xFF] + (0..<1024).map { UInt8($0 & 0xFF) }) != "no error")
        #expect(try error(Array("GIF89a not an image".utf8)).contains("not a PNG or JPEG"))
        #expect(try error([]).contains("empty"))
        #expect(throws: ImageError.self) { try JPEGCodec.decode(Data([0x89, 0x50, 0x4E, 0x47])) }
    }
}
