import Foundation
import Formats
import Models
import Tensors
import Testing
import TestSupport

/// Parity with the official Janus code on tiny random checkpoints in the official layouts
/// (tools/reference/make_janus_fixtures.py): preprocessing, SigLIP, aligner, LLM logits at every position,
/// and greedy answers.
@Suite struct JanusUnderstandingParityTests {
    static func addedTokens(_ folder: URL) throws -> [String: Int] {
        let doc = try JSONReader.parse(file: folder.appendingPathComponent("tokenizer.json").path)
        var ids: [String: Int] = [:]
        for t in try doc.cursor.array("added_tokens") { ids[try t.string("content")] = try t.int("id") }
        return ids
    }

    private func check(_ what: String, _ got: Tensor, _ want: Tensor, relative: Double) {
        let g = got.toFloats(), w = want.toFloats()
        let scale = Double(w.map { abs($0) }.max() ?? 1)
        let (worst, _) = NumericComparison.maxAbsDifference(g, w)
        print("\(what): max |Δ| \(worst) = \(worst / scale) × scale, NMSE \(NumericComparison.nmse(g, w))")
        #expect(g.count == w.count && worst <= relative * scale, "\(what): \(NumericComparison.describeDivergence(g, w, shape: want.shape))")
    }

    @Test(arguments: ["janus-tiny", "pro-tiny", "janusflow-tiny"])
    func matchesTheOfficialCode(layout: String) throws {
        let folder = FixturePaths.url("janus/\(layout)")
        let model = try JanusUnderstandingModel(folder: folder)
        let expected = try SafetensorsFile(path: folder.appendingPathComponent("expected.safetensors").path)
        let prompts = try JSONReader.parse(file: folder.appendingPathComponent("expected.json").path).cursor.array("prompts")
        let tokens = try Self.addedTokens(folder)
        let imageID = try #require(tokens["<image_placeholder>"]), boi = try #require(tokens["<begin_of_image>"])
        let eos = try #require(tokens["<｜end▁of▁sentence｜>"])
        let preprocess = JanusImagePreprocessor(imageSize: model.vision.spec.imageSize)
        for (k, prompt) in prompts.enumerated() {
            // Preprocessing from the PNG equals the reference's pixel values.
            let image = try PNGCodec.read(file: FixturePaths.path("janus/images/\(try prompt.string("image"))"))
            let pixels = preprocess(image)
            check("\(layout) p\(k) pixels", pixels, try expected.tensor(named: "p\(k).pixel_values"), relative: 1e-6)
            let (vision, aligned) = model.imageEmbeddings(try expected.tensor(named: "p\(k).pixel_values"))
            check("\(layout) p\(k) SigLIP", vision.reshaped([vision.shape[1], vision.shape[2]]), try expected.tensor(named: "p\(k).vision"), relative: 1e-5)
            check("\(layout) p\(k) aligner", aligned, try expected.tensor(named: "p\(k).aligned"), relative: 1e-5)
            let ids = try prompt.array("input_ids").map { try $0.asInt() }
            let embeddings = try model.inputEmbeddings(ids: ids, imageTokenID: imageID, beginOfImageID: boi, aligned: aligned)
            let cache = model.language.makeCache(batch: 1, capacity: ids.count)
            let hidden = model.language.forward(embeddings, cache: cache)
            let logits = model.language.logits(hidden.reshaped([ids.count, hidden.shape[2]]))
            check("\(layout) p\(k) logits at all \(ids.count) positions", logits, try expected.tensor(named: "p\(k).logits"), relative: 1e-4)
            let greedy = try model.greedy(embeddings: embeddings, eos: eos, maxNewTokens: 12)
            let want = try prompt.array("greedy_ids").map { try $0.asInt() }
            #expect(greedy == want, "\(layout) p\(k) greedy ids")
        }
    }

    @Test func strictLoadingNamesMissingAndUnusedTensors() throws {
        // Copy the tiny Janus checkpoint with one tensor renamed: one missing, one unused.
        let source = FixturePaths.url("janus/janus-tiny")
        let dir = FixturePaths.temporaryDirectory("strict")
        for f in try FileManager.default.contentsOfDirectory(atPath: source.path) where f != "model.safetensors" {
            try FileManager.default.copyItem(at: source.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        var bytes = [UInt8](try Data(contentsOf: source.appendingPathComponent("model.safetensors")))
        let needle = Array("language_model.model.norm.weight".utf8), replacement = Array("language_model.model.norx.weight".utf8)
        let at = try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
        bytes.replaceSubrange(at..<at + needle.count, with: replacement)
        try Data(bytes).write(to: dir.appendingPathComponent("model.safetensors"))
        let error = #expect(throws: LoadingError.self) { _ = try JanusUnderstandingModel(folder: dir) }
        let text = try #require(error).description
        #expect(text.contains("missing tensor(s): language_model.model.norm.weight"))
        #expect(text.contains("unused tensor(s): language_model.model.norx.weight"))
    }

    @Test func wrongShapeIsAClearError() throws {
        let source = FixturePaths.url("janus/janus-tiny")
        let dir = FixturePaths.temporaryDirectory("shape")
        for f in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        // Claim 3 layers of intermediate 128 → the MLP weights no longer fit an intermediate of 96.
        var config = try String(contentsOf: dir.appendingPathComponent("config.json"), encoding: .utf8)
        config = config.replacingOccurrences(of: "\"intermediate_size\": 128", with: "\"intermediate_size\": 96")
        try config.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: LoadingError.self) { _ = try JanusUnderstandingModel(folder: dir) }
        #expect(try #require(error).description.contains("has shape [128, 64], expected [96, 64]"))
    }
}
