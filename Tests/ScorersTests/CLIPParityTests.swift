import Foundation
import Formats
import Scorers
import Tensors
import Testing
import TestSupport

/// CLIP against transformers' CLIPModel on random weights (tools/reference/make_clip_fixtures.py): open_clip's
/// preprocessing, image and text embeddings, and GenEval's colour classifier re-implemented in Python on the same
/// weights. The tiny model always; the ViT-L/14-shaped one when $JANUS_EVAL_CLIP_VITL_RANDOM names its folder.
@Suite struct CLIPParityTests {
    static let images = FixturePaths.path("clip/images")
    static let preprocessed = FixturePaths.path("clip/preprocessed")

    /// max |Δ| ≤ tolerance × max |reference|.
    static func check(_ what: String, _ got: [Float], _ want: [Float], tolerance: Double) {
        let scale = Double(want.map { abs($0) }.max() ?? 1)
        let (worst, _) = NumericComparison.maxAbsDifference(got, want)
        print("\(what): max |Δ| \(worst) = \(worst / max(scale, 1e-30)) × max |ref| (\(scale))")
        #expect(got.count == want.count && worst <= tolerance * scale, "\(what): \(NumericComparison.describeDivergence(got, want))")
    }

    static func mask(_ name: String) throws -> [Bool] {
        try PNGCodec.read(file: images + "/" + name).pixels.enumerated().compactMap { $0.offset % 3 == 0 ? $0.element > 127 : nil }
    }

    /// Embeddings and colour-classifier logits of one fixture folder.
    func matchesTransformers(_ folder: String, checkPNGs: Bool) throws {
        let clock = ContinuousClock()
        var model: CLIPModel!
        let loadTime = try clock.measure { model = try CLIPModel(folder: folder) }
        let expected = try SafetensorsFile(path: folder + "/expected.safetensors")
        let doc = try JSONReader.parse(file: folder + "/expected.json").cursor
        print("CLIP \(folder): loaded in \(loadTime)")
        // Images: preprocessing then embeddings.
        for name in try doc.array("images").map({ try $0.asString() }) {
            let image = try PNGCodec.read(file: Self.images + "/\(name).png")
            let small = try model.preprocessor.resizedAndCropped(image)
            if checkPNGs {
                #expect(small == (try PNGCodec.read(file: Self.preprocessed + "/\(name).png")), "\(name): resize + centre crop equals open_clip's")
            }
            let pixels = try model.preprocessor.batch([image])
            let sum = pixels.toFloats().reduce(0.0) { $0 + Double($1) }
            let wantSum = Double(try expected.tensor(named: "\(name).pixel_sum").toFloats()[0])
            #expect(abs(sum - wantSum) <= 1e-5 * max(1, abs(wantSum)), "\(name): pixel sum \(sum) vs \(wantSum)")
            var embeds: Tensor!
            let t = clock.measure { embeds = model.imageEmbeddings(pixels: pixels) }
            Self.check("\(name) image embedding (\(t))", embeds.toFloats(), try expected.tensor(named: "\(name).image_embeds").toFloats(), tolerance: 1e-4)
        }
        // Texts: ids then embeddings.
        for (k, text) in try doc.array("texts").enumerated() {
            let ids = try model.tokenizer.tokenize(try text.string("text"))
            #expect(ids == (try text.array("ids").map { try $0.asInt() }), "text \(k) ids")
            let got = try model.textEmbeddings(ids: [ids])
            Self.check("text \(k) embedding", got.toFloats(), try expected.tensor(named: "text\(k).text_embeds").toFloats(), tolerance: 1e-4)
        }
        // A batch of texts of different lengths gives each one's own embedding.
        let batchTexts = try doc.array("texts").map { try $0.string("text") }
        let batched = try model.textEmbeddings(batchTexts).toFloats()
        let single = try batchTexts.flatMap { try model.textEmbeddings([$0]).toFloats() }
        Self.check("texts batched vs one by one", batched, single, tolerance: 1e-6)
        // The colour classifier: zero-shot vectors per class, then crops and logits.
        let classifier = CLIPColorClassifier(model: model)
        for cls in try doc.array("classifiers").map({ try $0.asString() }) {
            let vectors = try classifier.classifier(for: cls)     // [10][d]; the reference stores [d, 10]
            let want = try expected.tensor(named: "classifier.\(cls)").toFloats()
            let d = vectors[0].count
            let transposed = (0..<d).flatMap { i in vectors.map { $0[i] } }
            Self.check("classifier '\(cls)'", transposed, want, tolerance: 1e-4)
        }
        var agreed = 0, total = 0, worst = 0.0
        for c in try doc.array("colour_cases") {
            let key = try c.string("key"), imageName = try c.string("image"), cls = try c.string("class")
            let image = try PNGCodec.read(file: Self.images + "/" + imageName)
            let maskName = try c.field("mask").isNull ? nil : try c.string("mask")
            let object = ObjectDetection(box: try c.array("box").map { try $0.asDouble() }, score: 0.99,
                                         mask: try maskName.map(Self.mask))
            let crop = try CLIPColorClassifier.crop(image, object)
            #expect([crop.width, crop.height] == (try c.array("crop_size").map { try $0.asInt() }), "\(key) crop size")
            if checkPNGs {
                let stem = key.split(separator: ".").prefix(2).joined(separator: ".")
                #expect(crop == (try PNGCodec.read(file: Self.preprocessed + "/\(stem).crop.png")), "\(key): crop equals GenEval's")
                #expect(try model.preprocessor.resizedAndCropped(crop) == (try PNGCodec.read(file: Self.preprocessed + "/\(stem).crop224.png")))
            }
            let logits = try classifier.logits(of: [object], className: cls, in: image)[0]
            let want = try expected.tensor(named: "colour.\(key).logits").toFloats()
            let diff = zip(logits, want).map { Double(abs($0 - $1)) }.max()!
            worst = max(worst, diff)
            #expect(diff <= 1e-4 * max(1, Double(want.map { abs($0) }.max()!)), "\(key): logits \(logits) vs \(want)")
            let colour = try classifier.colors(of: [object], className: cls, in: image)[0]
            #expect(colour == (try c.string("color")), "\(key): colour")
            total += 1
            if colour == (try c.string("color")) { agreed += 1 }
        }
        print("colour classifier: \(agreed)/\(total) argmax equal to the Python re-implementation of GenEval's; logits max |Δ| \(worst) (×100 cosine units)")
    }

    @Test func tinyModelMatchesTransformers() throws {
        try matchesTransformers(FixturePaths.path("clip/tiny"), checkPNGs: true)
    }

    @Test func vitL14ShapedModelMatchesTransformers() throws {
        guard let folder = ProcessInfo.processInfo.environment["JANUS_EVAL_CLIP_VITL_RANDOM"],
              FileManager.default.fileExists(atPath: folder + "/expected.safetensors") else {
            print("SKIP vitL14ShapedModelMatchesTransformers: set JANUS_EVAL_CLIP_VITL_RANDOM to the folder tools/reference/make_clip_fixtures.py --vitl DIR writes (1.7 GB, not committed)")
            return
        }
        try matchesTransformers(folder, checkPNGs: false)
    }

    @Test func theHubConfigOfViTL14Loads() throws {
        let config = try CLIPConfig.load(file: FixturePaths.path("clip/vitl14-config.json"))
        #expect(config.projectionDim == 768)
        #expect(config.text.hiddenSize == 768 && config.text.layers == 12 && config.text.heads == 12 && config.text.vocabSize == 49408)
        #expect(config.text.eosTokenID == 2 && config.text.hiddenAct == "quick_gelu" && config.text.maxPositions == 77)
        #expect(config.vision.hiddenSize == 1024 && config.vision.layers == 24 && config.vision.heads == 16)
        #expect(config.vision.patchSize == 14 && config.vision.imageSize == 224 && config.vision.tokenCount == 257)
    }

    @Test func badConfigsNameTheField() throws {
        let cases: [(String, String)] = [
            (#"{"model_type": "clip_vision_model"}"#, "model_type is 'clip_vision_model', expected 'clip'"),
            (#"{"vision_config": {"hidden_size": 30, "num_attention_heads": 4}}"#, "vision_config.hidden_size 30 must be a positive multiple of num_attention_heads 4"),
            (#"{"vision_config": {"image_size": 225, "patch_size": 14}}"#, "vision_config.image_size 225 must be a multiple of patch_size 14"),
            (#"{"text_config": {"hidden_act": "relu"}}"#, "text_config.hidden_act is 'relu'"),
            (#"{"text_config": {"vocab_size": "big"}}"#, "field text_config.vocab_size: expected Int"),
            (#"{"text_config": {"num_hidden_layers": 100000}}"#, "text_config.num_hidden_layers 100000 is out of range"),
        ]
        for (json, message) in cases {
            let error = #expect(throws: CLIPError.self) { _ = try CLIPConfig.decode(Data(json.utf8), file: "config.json") }
            #expect(try #require(error).description.contains(message), "\(json): \(String(describing: error))")
        }
        // text_config_dict overrides text_config, field by field, as transformers merges them.
        let merged = try CLIPConfig.decode(Data(#"{"text_config": {"hidden_size": 64, "num_attention_heads": 4}, "text_config_dict": {"hidden_size": 128}}"#.utf8), file: "c")
        #expect(merged.text.hiddenSize == 128 && merged.text.heads == 4)
    }

    /// A tensor provider over another with one tensor renamed (strict-loading test).
    struct Renamed: TensorProvider {
        let base: TensorProvider, from: String, to: String
        var tensorNames: [String] { base.tensorNames.map { $0 == from ? to : $0 } }
        func tensor(named name: String) throws -> Tensor { try base.tensor(named: name == to ? from : name) }
        var sourceDescription: String { base.sourceDescription }
    }

    @Test func strictLoadingNamesMissingAndUnusedTensors() throws {
        let folder = FixturePaths.path("clip/tiny")
        let config = try CLIPConfig.load(file: folder + "/config.json")
        let tokenizer = try CLIPTokenizer(vocabFile: folder + "/vocab.json", mergesFile: folder + "/merges.txt")
        let weights = Renamed(base: try SafetensorsFile(path: folder + "/model.safetensors"),
                              from: "vision_model.post_layernorm.bias", to: "vision_model.post_layernorm.b")
        let error = #expect(throws: LoadingError.self) { _ = try CLIPModel(config: config, weights: weights, tokenizer: tokenizer, folder: folder) }
        let text = try #require(error).description
        #expect(text.contains("vision_model.post_layernorm.bias") && text.contains("vision_model.post_layernorm.b"), "\(text)")
        // The position_ids buffers of the Hub's 2021 files are known to be unused, not an error.
        #expect(CLIPModel.sanitize("text_model.embeddings.position_ids") == .knownUnused)
        #expect(CLIPModel.sanitize("vision_model.embeddings.position_ids") == .knownUnused)
    }

    @Test func weightsAreFoundOrTheMessageSaysHow() throws {
        let tiny = FixturePaths.path("clip/tiny")
        let empty = FixturePaths.temporaryDirectory("clip-home").path
        #expect(try CLIPWeightLocator(environment: ["JANUS_EVAL_CLIP_WEIGHTS": tiny], homeDirectory: empty).locate() == tiny)
        #expect(try CLIPWeightLocator(environment: ["JANUS_EVAL_CLIP": tiny], homeDirectory: empty).locate() == tiny)
        #expect(try CLIPWeightLocator(environment: [:], homeDirectory: empty).locate(explicit: tiny) == tiny)
        // The Hugging Face cache: refs/main names the snapshot.
        let hub = empty + "/.cache/huggingface/hub/models--openai--clip-vit-large-patch14"
        try FileManager.default.createDirectory(atPath: hub + "/refs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: hub + "/snapshots", withIntermediateDirectories: true)
        try "abc123\n".write(toFile: hub + "/refs/main", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: hub + "/snapshots/abc123", withDestinationPath: tiny)
        #expect(try CLIPWeightLocator(environment: [:], homeDirectory: empty).locate() == hub + "/snapshots/abc123")
        let error = #expect(throws: CLIPError.self) { _ = try CLIPWeightLocator(environment: [:], homeDirectory: empty + "/nowhere").locate() }
        let text = try #require(error).description
        #expect(text.contains("models--openai--clip-vit-large-patch14/snapshots/<revision> (no snapshot)"))
        #expect(text.contains("huggingface-cli download openai/clip-vit-large-patch14") && text.contains("--clip-weights DIR"))
    }

    @Test func clipScoreIsHundredTimesTheClampedCosine() throws {
        let folder = FixturePaths.path("clip/tiny")
        let model = try CLIPModel(folder: folder)
        let expected = try SafetensorsFile(path: folder + "/expected.safetensors")
        let doc = try JSONReader.parse(file: folder + "/expected.json").cursor
        let names = try doc.array("images").map { try $0.asString() }
        let texts = try doc.array("texts").map { try $0.string("text") }
        let n = min(names.count, texts.count)
        let images = try names.prefix(n).map { try PNGCodec.read(file: Self.images + "/\($0).png") }
        let got = try CLIPScore(model: model).scores(images: images, prompts: Array(texts.prefix(n)))
        for k in 0..<n {
            let a = try expected.tensor(named: "\(names[k]).image_embeds").toFloats(), b = try expected.tensor(named: "text\(k).text_embeds").toFloats()
            let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let norms = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() * b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let want = 100 * max(dot / norms, 0)
            print("CLIPScore \(names[k]) / \(texts[k].debugDescription): ours \(got[k]), from transformers' embeddings \(want)")
            #expect(abs(got[k] - want) <= 1e-3, "pair \(k)")
        }
        #expect(throws: CLIPError.self) { _ = try CLIPScore(model: model).scores(images: images, prompts: []) }
    }

    @Test func cropsFollowPillow() throws {
        let image = RGBImage(width: 4, height: 3, pixels: (0..<36).map { UInt8($0 * 7) })
        // Half-pixel boxes round half to even: [0.5, 0.5, 2.5, 2.5] → [0, 0, 2, 2].
        let crop = try CLIPColorClassifier.crop(image, ObjectDetection(box: [0.5, 0.5, 2.5, 2.5], score: 1))
        #expect(crop.width == 2 && crop.height == 2 && crop[0, 0] == image[0, 0] && crop[1, 1] == image[1, 1])
        // Outside the image is black; outside the mask is #999.
        var mask = [Bool](repeating: true, count: 12); mask[0] = false
        let padded = try CLIPColorClassifier.crop(image, ObjectDetection(box: [-1, 0, 2, 1], score: 1, mask: mask))
        #expect(padded.width == 3 && padded[0, 0] == (0, 0, 0) && padded[1, 0] == (153, 153, 153) && padded[2, 0] == image[1, 0])
        #expect(throws: CLIPError.self) { _ = try CLIPColorClassifier.crop(image, ObjectDetection(box: [2, 0, 2.4, 2], score: 1)) }
        #expect(throws: CLIPError.self) { _ = try CLIPColorClassifier.crop(image, ObjectDetection(box: [0, 0, 2, 2], score: 1, mask: [true])) }
    }
}
