import Foundation
import Formats
import Testing
import TestSupport

/// Damaged and hostile checkpoints give errors that name the file and the problem; nothing crashes,
/// hangs or executes.
@Suite struct CheckpointMalformedTests {
    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = FixturePaths.temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A safetensors file from a header text and data bytes.
    private func safetensors(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        let n = declaredLength ?? UInt64(h.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + data
    }

    private func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func safetensorsHeaderProblems() throws {
        let good = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#
        let cases: [(String, [UInt8], String)] = [
            ("short.safetensors", [1, 2, 3], "too short for the 8-byte safetensors header length"),
            ("past-end.safetensors", safetensors(header: good, data: [UInt8](repeating: 0, count: 8), declaredLength: 5000),
             "runs past the end of the file"),
            ("huge.safetensors", safetensors(header: good, declaredLength: 1 << 40), "larger than the"),
            ("json.safetensors", safetensors(header: #"{"a": {"dtype": "F32", "shape": [2], "#), "header is not valid JSON"),
            ("overlap.safetensors", safetensors(header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#,
                                                data: [UInt8](repeating: 0, count: 12)), "'a' and 'b' overlap"),
            ("range.safetensors", safetensors(header: good, data: [UInt8](repeating: 0, count: 4)), "out of range"),
            ("dtype-shape.safetensors", safetensors(header: #"{"a": {"dtype": "BF16", "shape": [3], "data_offsets": [0, 8]}}"#,
                                                    data: [UInt8](repeating: 0, count: 8)), "BF16 × shape [3] needs 6 bytes but data_offsets [0, 8] span 8"),
            ("dtype.safetensors", safetensors(header: #"{"a": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}}"#,
                                              data: [0, 0]), "dtype F8_E4M3"),
            ("shape-type.safetensors", safetensors(header: #"{"a": {"dtype": "F32", "shape": "2", "data_offsets": [0, 8]}}"#,
                                                   data: [UInt8](repeating: 0, count: 8)), "field a.shape: expected an array"),
        ]
        for (name, bytes, expected) in cases {
            let path = try write(bytes, name)
            let text = message { _ = try SafetensorsFile(path: path) }
            #expect(text.contains(name) && text.contains(expected), "\(name): \(text)")
        }
    }

    @Test func hostilePicklesAreRefusedByName() throws {
        let evil = message { _ = try PyTorchCheckpoint(path: FixturePaths.path("checkpoints/malformed/evil_global.bin")) }
        #expect(evil.contains("global 'os.system' is not allowed"))
        #expect(evil.contains("evil_global.bin"))
        let reduce = message { _ = try PyTorchCheckpoint(path: FixturePaths.path("checkpoints/malformed/evil_reduce.bin")) }
        #expect(reduce.contains("global 'builtins.eval' is not allowed"))
    }

    /// REDUCE of a name that is allowed as a type but is not an allowed call target.
    @Test func reduceOfANonCallableAllowedNameIsRefused() throws {
        let bytes: [UInt8] = [0x80, 0x02] + Array("ctorch\nFloatStorage\n".utf8) + [0x29, 0x52, 0x2E]
        let text = bytes.withUnsafeBytes { raw in
            message { var r = PickleReader(bytes: raw, file: "x.pkl"); _ = try r.load() }
        }
        #expect(text.contains("torch.FloatStorage (called)") && text.contains("not allowed"), "\(text)")
    }

    @Test func truncatedAndUnknownPickles() throws {
        let truncated: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x58, 0xFF, 0x00, 0x00, 0x00, 0x61]
        let t = truncated.withUnsafeBytes { raw in message { var r = PickleReader(bytes: raw, file: "t.pkl"); _ = try r.load() } }
        #expect(t.contains("t.pkl") && t.contains("truncated"), "\(t)")
        let inst: [UInt8] = [0x80, 0x02, 0x69] + Array("os\nsystem\n".utf8) + [0x2E]  // INST opcode
        let i = inst.withUnsafeBytes { raw in message { var r = PickleReader(bytes: raw, file: "i.pkl"); _ = try r.load() } }
        #expect(i.contains("opcode 0x69 is not allowed"), "\(i)")
        let noStop: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x28, count: 1000)   // MARKs and no STOP
        let n = noStop.withUnsafeBytes { raw in message { var r = PickleReader(bytes: raw, file: "n.pkl"); _ = try r.load() } }
        #expect(n.contains("truncated"), "\(n)")
    }

    @Test func damagedZipCheckpoints() throws {
        let missing = message { _ = try PyTorchCheckpoint(path: FixturePaths.path("checkpoints/malformed/missing_storage.bin")) }
        #expect(missing.contains("missing storage entry 'tensors/data/0'"))
        let good = try Data(contentsOf: FixturePaths.url("checkpoints/tensors.bin"))
        let cut = try write(Array(good.prefix(good.count / 2)), "cut.bin")
        let truncated = message { _ = try PyTorchCheckpoint(path: cut) }
        #expect(truncated.contains("cut.bin") && truncated.contains("truncated"), "\(truncated)")
    }

    @Test func legacyFileWithBadMagic() throws {
        // A protocol-2 pickle of the int 12345 where the legacy magic number belongs.
        let path = try write([0x80, 0x02, 0x4D, 0x39, 0x30, 0x2E], "bad-magic.pth")
        let text = message { _ = try PyTorchCheckpoint(path: path) }
        #expect(text.contains("bad-magic.pth") && text.contains("legacy magic number is missing"), "\(text)")
        let garbage = try write(Array("hello, not a checkpoint".utf8), "garbage.pt")
        #expect(message { _ = try PyTorchCheckpoint(path: garbage) }.contains("not a PyTorch checkpoint"))
    }

    @Test func shardedIndexProblems() throws {
        let dir = FixturePaths.temporaryDirectory()
        let src = FixturePaths.url("checkpoints/sharded-bin/pytorch_model-00001-of-00002.bin")
        try FileManager.default.copyItem(at: src, to: dir.appendingPathComponent("pytorch_model-00001-of-00002.bin"))
        let index = dir.appendingPathComponent("pytorch_model.bin.index.json")
        try Data(#"{"weight_map": {"f32": "pytorch_model-00001-of-00002.bin", "i64": "pytorch_model-00002-of-00002.bin"}}"#.utf8).write(to: index)
        let missingShard = message { _ = try CheckpointFiles.open(dir.path) }
        #expect(missingShard.contains("shard 'pytorch_model-00002-of-00002.bin' (holding 'i64') does not exist"), "\(missingShard)")
        try Data(#"{"weight_map": {"nope": "pytorch_model-00001-of-00002.bin"}}"#.utf8).write(to: index)
        #expect(message { _ = try CheckpointFiles.open(dir.path) }.contains("that shard has no such tensor"))
        try Data(#"{"weight_map": {"f32": "../x.bin"}}"#.utf8).write(to: index)
        #expect(message { _ = try CheckpointFiles.open(dir.path) }.contains("points outside the folder"))
    }

    @Test func unknownFilesAndFolders() throws {
        #expect(message { _ = try CheckpointFiles.open("/nonexistent/model.safetensors") }.contains("no such file or folder"))
        let dir = FixturePaths.temporaryDirectory()
        try Data().write(to: dir.appendingPathComponent("notes.txt"))
        #expect(message { _ = try CheckpointFiles.open(dir.path) }.contains("no weights found"))
        #expect(message { _ = try CheckpointFiles.open(dir.appendingPathComponent("notes.txt").path) }.contains("unknown checkpoint extension"))
    }
}
