import Foundation
import Formats
import Tensors
import Testing
import TestSupport

/// Checkpoints written by torch and safetensors load with exactly the values torch saved.
@Suite struct CheckpointReaderTests {
    struct Expected: Decodable { let dtype: String; let shape: [Int]; let values: [Double] }

    static let expected: [String: Expected] = {
        let data = try! Data(contentsOf: FixturePaths.url("checkpoints/expected.json"))
        let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var out: [String: Expected] = [:]
        for (k, v) in object where !k.hasPrefix("_") {
            let d = try! JSONSerialization.data(withJSONObject: v)
            out[k] = try! JSONDecoder().decode(Expected.self, from: d)
        }
        return out
    }()

    static let dtypeNames: [String: DType] = ["float32": .f32, "bfloat16": .bf16, "float16": .f16, "int64": .i64,
                                              "int32": .i32, "uint8": .u8, "bool": .bool]

    private func checkAll(_ reader: CheckpointReader, names: [String]) throws {
        #expect(Set(reader.tensorNames) == Set(names))
        for name in names {
            let want = try #require(Self.expected[name])
            let info = try #require(reader.info(named: name))
            #expect(info.dtype == Self.dtypeNames[want.dtype], "\(name)")
            #expect(info.shape == want.shape, "\(name)")
            let tensor = try reader.tensor(named: name)
            #expect(tensor.shape == want.shape)
            #expect(tensor.toFloats().map(Double.init) == want.values.map { Double(Float($0)) }, "\(name) values")
        }
    }

    static let allNames = ["f32", "bf16", "f16", "i64", "i32", "u8", "bool", "scalar", "empty", "transposed", "sliced",
                           "shared_a", "shared_b", "param"]

    @Test func zipLayoutBin() throws {
        let reader = try PyTorchCheckpoint(path: FixturePaths.path("checkpoints/tensors.bin"))
        #expect(reader.layout == "zip")
        try checkAll(reader, names: Self.allNames)
        #expect(reader.notes.contains { $0.contains("meta.epoch") })
    }

    @Test func legacyLayoutPth() throws {
        let reader = try PyTorchCheckpoint(path: FixturePaths.path("checkpoints/tensors_legacy.pth"))
        #expect(reader.layout == "legacy")
        try checkAll(reader, names: Self.allNames)
    }

    @Test func safetensorsAllDtypes() throws {
        let reader = try SafetensorsFile(path: FixturePaths.path("checkpoints/tensors.safetensors"))
        try checkAll(reader, names: Self.allNames)
        #expect(reader.metadata["source"] == "make_checkpoint_fixtures.py")
    }

    @Test func shardedBinFolder() throws {
        let reader = try CheckpointFiles.open(FixturePaths.path("checkpoints/sharded-bin"))
        let sharded = try #require(reader as? ShardedCheckpoint)
        try checkAll(reader, names: ["f32", "bf16", "transposed", "i64", "sliced", "param"])
        #expect(sharded.shard(of: "sliced") == "pytorch_model-00002-of-00002.bin")
        #expect(sharded.shardFiles.count == 2)
    }

    /// Contiguous tensors are views of the mapped file (no copy): same bytes, and bf16 stays bf16.
    @Test func contiguousTensorsAreZeroCopyViews() throws {
        let reader = try SafetensorsFile(path: FixturePaths.path("checkpoints/tensors.safetensors"))
        let t = try reader.tensor(named: "bf16")
        #expect(t.dtype == .bf16)
        #expect(t.storage.owner != nil)
        let bin = try PyTorchCheckpoint(path: FixturePaths.path("checkpoints/tensors.bin"))
        #expect(try bin.tensor(named: "f32").storage.owner != nil)
        #expect(try bin.tensor(named: "transposed").storage.owner == nil)   // gathered copy
    }

    @Test func janusLikeDemoFolder() throws {
        let reader = try CheckpointFiles.open(FixturePaths.path("checkpoints/tiny-sharded-safetensors"))
        let data = try Data(contentsOf: FixturePaths.url("checkpoints/expected.json"))
        let demo = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["_janus_demo"] as? [String: [String: Any]])
        #expect(reader.tensorNames.count == demo.count)
        for (name, want) in demo {
            let t = try reader.tensor(named: name)
            #expect(t.dtype == .bf16)
            #expect(t.shape == want["shape"] as? [Int])
            let sum = t.toFloats().reduce(0.0) { $0 + Double($1) }
            #expect(abs(sum - (want["sum"] as! Double)) < 1e-9, "\(name)")
        }
    }
}
