import Foundation
import Formats
import Testing
import TestSupport

/// The streaming SHA-256 behind run digests: any chunking gives the one-shot digest, and files hash as their bytes.
@Suite struct SHA256Tests {
    @Test func chunkedUpdatesEqualOneShot() {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 4099] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let whole = SHA256.hexDigest(bytes)
            var hasher = SHA256()
            var offset = 0
            while offset < length {
                let step = min(Int.random(in: 1...70, using: &rng), length - offset)
                hasher.update(bytes[offset..<(offset + step)])
                offset += step
            }
            #expect(hasher.finalize() == whole, "length \(length)")
        }
    }

    @Test func aFileHashesAsItsBytes() throws {
        let dir = FixturePaths.temporaryDirectory("sha")
        let bytes = (0..<(5 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }   // more than one 4 MiB chunk
        let url = dir.appendingPathComponent("f.bin")
        try Data(bytes).write(to: url)
        #expect(try SHA256.hexDigest(file: url.path) == SHA256.hexDigest(bytes))
        #expect(throws: CheckpointError.self) { _ = try SHA256.hexDigest(file: dir.appendingPathComponent("missing").path) }
    }
}
