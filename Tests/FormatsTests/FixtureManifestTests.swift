import Formats
import Foundation
import Testing
import TestSupport

/// Every committed fixture is listed in Tests/Fixtures/MANIFEST.json with the SHA-256 the reference
/// scripts wrote: a fixture edited by hand (or a script run without updating the manifest) fails here.
@Suite struct FixtureManifestTests {
    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hexDigest(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func everyFixtureMatchesTheManifest() throws {
        let root = FixturePaths.root
        let data = try Data(contentsOf: root.appendingPathComponent("MANIFEST.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let files = try #require(manifest["files"] as? [String: [String: Any]])
        var onDisk: Set<String> = []
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            if relative != "MANIFEST.json" { onDisk.insert(relative) }
        }
        #expect(onDisk == Set(files.keys), "fixtures not in the manifest: \(onDisk.subtracting(files.keys).sorted()); listed but missing: \(Set(files.keys).subtracting(onDisk).sorted())")
        for (relative, entry) in files where onDisk.contains(relative) {
            // FileContents, not Data(contentsOf:): the latter leaks 4 KiB per empty file on Linux (LeakSanitizer).
            let bytes = try #require(FileContents.read(root.appendingPathComponent(relative).path))
            #expect(SHA256.hexDigest(bytes) == entry["sha256"] as? String, "\(relative) differs from its manifest entry")
        }
    }
}
