import Formats
import Models
import Tensors
import Testing

/// A provider over tensors held in memory.
struct InMemoryTensors: TensorProvider {
    var tensors: [String: Tensor]
    var tensorNames: [String] { tensors.keys.sorted() }
    var sourceDescription: String { "memory.safetensors" }
    func tensor(named name: String) throws -> Tensor { tensors[name]! }
}

@Suite struct WeightLoaderTests {
    let provider = InMemoryTensors(tensors: [
        "a.weight": Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5, 6]),
        "b.weight": Tensor(zeros: [4]),
        "vision.attn_pool.latent": Tensor(zeros: [1]),
        "layers.0.rotary_emb.inv_freq": Tensor(zeros: [8]),
        "extra.bias": Tensor(zeros: [3]),
    ])

    @Test func takesRenamedTensorsAndDropsTheKnownUnused() throws {
        let loader = WeightLoader(provider) { name in
            name == "b.weight" ? .use("renamed.weight") : JanusCheckpointLayout.sanitize(name)
        }
        #expect(loader.dropped.sorted() == ["layers.0.rotary_emb.inv_freq", "vision.attn_pool.latent"])
        let a = try loader.take("a.weight", shape: [2, 3])
        #expect(a.toFloats() == [1, 2, 3, 4, 5, 6])
        _ = try loader.take("renamed.weight", shape: [4])
        #expect(loader.has("extra.bias"))
        _ = try loader.take("extra.bias", shape: [3])
        try loader.finish()
    }

    @Test func listsEveryMissingAndUnusedTensor() throws {
        let loader = WeightLoader(provider, sanitize: JanusCheckpointLayout.sanitize)
        _ = try loader.take("a.weight", shape: [2, 3])
        _ = try loader.take("c.weight", shape: [1])
        _ = try loader.take("d.weight", shape: [1])
        #expect(throws: LoadingError.tensorMismatch(checkpoint: "memory.safetensors", missing: ["c.weight", "d.weight"],
                                                  unused: ["b.weight", "extra.bias"])) {
            try loader.finish()
        }
    }

    @Test func wrongShapeNamesTheTensorAndBothShapes() throws {
        let loader = WeightLoader(provider)
        _ = try loader.take("a.weight", shape: [3, 2])
        let error = #expect(throws: LoadingError.self) { try loader.finish() }
        #expect(try #require(error).description == "memory.safetensors: tensor 'a.weight' has shape [2, 3], expected [3, 2]")
    }
}
