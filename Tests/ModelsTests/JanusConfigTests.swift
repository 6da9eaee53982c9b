import Foundation
import Models
import Testing
import TestSupport

@Suite struct JanusConfigTests {
    @Test(arguments: ["janus-tiny", "pro-tiny"])
    func readsTheTinyJanusLayouts(layout: String) throws {
        let url = FixturePaths.url("janus/\(layout)/config.json")
        let config = try JanusCheckpointConfig.load(from: url)
        #expect(config.family == .janus)
        #expect(config.languageConfig.hiddenSize == 64)
        #expect(config.languageConfig.numHiddenLayers == 2)
        #expect(config.languageConfig.keyValueHeads == 4)
        #expect(config.languageConfig.resolvedHeadDim == 16)
        #expect(config.languageConfig.ropeTheta == 10000)
        let vision = try config.understandingVision(file: url.path)
        #expect(vision == SigLIPConfig(modelName: "siglip_tiny_patch8_32", imageSize: 32, patchSize: 8, width: 32,
                                          layers: 2, heads: 2, mlpRatio: 4))
        #expect(vision.tokenCount == 16)
        let vq = try config.generationVision(file: url.path).vq
        #expect(vq.codebookSize == 64 && vq.zChannels == 32 && vq.baseChannels == 32)
        #expect(vq.decoderChannelMultipliers == [1, 2] && vq.downsample == 2)
    }

    @Test func readsTheJanusFlowLayout() throws {
        let config = try JanusCheckpointConfig.load(from: FixturePaths.url("janus/janusflow-tiny/config.json"))
        #expect(config.family == .janusFlow)
        #expect(config.visionUndEncConfig?.params["model_name"] == .string("siglip_tiny_patch8_32"))
        #expect(try config.understandingVision(file: "config.json").modelName == "siglip_tiny_patch8_32")
    }

    /// Janus-Pro-7B's language_config omits most fields: the rest are transformers' LlamaConfig defaults.
    @Test func proSevenBLanguageConfigTakesLlamaDefaults() throws {
        let json = """
        {"model_type": "multi_modality",
         "vision_config": {"cls": "CLIPVisionTower", "params": {"image_size": 384, "model_name": "siglip_large_patch16_384", "select_feature": "same", "select_layer": -1}},
         "aligner_config": {"cls": "MlpProjector", "params": {"depth": 2, "input_dim": 1024, "n_embed": 4096, "projector_type": "mlp_gelu"}},
         "gen_vision_config": {"cls": "VQ-16", "params": {"image_token_size": 16384, "n_embed": 8}},
         "language_config": {"max_position_embeddings": 16384, "model_type": "llama", "num_hidden_layers": 30, "torch_dtype": "bfloat16", "vocab_size": 102400}}
        """
        let config = try JanusCheckpointConfig.decode(Data(json.utf8), file: "config.json")
        let llm = config.languageConfig
        #expect(llm.hiddenSize == 4096 && llm.intermediateSize == 11008 && llm.numHiddenLayers == 30)
        #expect(llm.numAttentionHeads == 32 && llm.keyValueHeads == 32 && llm.resolvedHeadDim == 128)
        #expect(llm.vocabSize == 102400 && llm.rmsNormEps == 1e-6 && !llm.tieWordEmbeddings)
        let vision = try config.understandingVision(file: "config.json")
        #expect(vision.width == 1024 && vision.layers == 24 && vision.heads == 16 && vision.tokenCount == 576)
        let vq = try config.generationVision(file: "config.json").vq
        #expect(vq == VQ16Config(name: "VQ-16"))
        #expect(vq.downsample == 16)
    }

    @Test func unknownVisionNameWithoutParamsIsAClearError() throws {
        let component = ComponentConfig(cls: "CLIPVisionTower", params: ["model_name": .string("siglip_huge_patch14_448"),
                                                                         "image_size": .int(448)])
        let error = #expect(throws: ModelError.self) {
            try SigLIPConfig.resolve(component.decodeParams(SigLIPConfig.Params.self, file: "/m/config.json", field: "vision_config"),
                                     file: "/m/config.json", field: "vision_config")
        }
        let text = try #require(error).description
        #expect(text.contains("/m/config.json"))
        #expect(text.contains("siglip_huge_patch14_448"))
        #expect(text.contains("patch_size") && text.contains("width") && text.contains("mlp_ratio"))
        #expect(!text.contains("image_size,"))
    }

    @Test func unknownVQWithoutSizesIsAClearError() throws {
        let error = #expect(throws: ModelError.self) {
            try VQ16Config.resolve(className: "VQ-8", params: VQ16Config.Params(codebookSize: 1024), file: "config.json",
                                   field: "gen_vision_config")
        }
        #expect(try #require(error).description.contains("VQ-8"))
        #expect(try #require(error).description.contains("decoder_ch_mult"))
    }

    @Test func wrongModelTypeAndBadJSONNameTheProblem() throws {
        let wrongType = #expect(throws: ModelError.self) {
            try JanusCheckpointConfig.decode(Data(#"{"model_type": "llama", "language_config": {}}"#.utf8), file: "a/config.json")
        }
        #expect(try #require(wrongType).description.contains("model_type is 'llama'"))
        let badType = #expect(throws: ModelError.self) {
            try JanusCheckpointConfig.decode(Data(#"{"model_type": "multi_modality", "language_config": {"hidden_size": "2048"}}"#.utf8),
                                             file: "b/config.json")
        }
        #expect(try #require(badType).description.contains("language_config.hidden_size"))
        let truncated = #expect(throws: ModelError.self) {
            try JanusCheckpointConfig.decode(Data(#"{"model_type": "multi_"#.utf8), file: "c/config.json")
        }
        #expect(try #require(truncated).description.hasPrefix("c/config.json"))
    }

    /// params are typed: a size of the wrong JSON type names the field instead of being ignored.
    @Test func wronglyTypedParamsNameTheField() throws {
        let component = ComponentConfig(cls: "CLIPVisionTower", params: ["model_name": .string("x"), "width": .string("wide")])
        let error = #expect(throws: ModelError.self) {
            _ = try component.decodeParams(SigLIPConfig.Params.self, file: "m/config.json", field: "vision_config")
        }
        let text = try #require(error).description
        #expect(text.contains("m/config.json") && text.contains("vision_config.params.width"))
    }

    /// Sizes that cannot build a model are refused with the field named, before anything is allocated (they used
    /// to end in SIGFPE or a runaway heap).
    @Test(arguments: [("num_attention_heads", "0"), ("hidden_size", "-64"), ("num_hidden_layers", "-1"),
                      ("num_key_value_heads", "3"), ("max_position_embeddings", "0"), ("vocab_size", "99999999999")])
    func impossibleLanguageSizesNameTheField(field: String, value: String) throws {
        var sizes = ["hidden_size": "64", "num_attention_heads": "4"]
        sizes[field] = value
        let language = sizes.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        let json = #"{"model_type": "multi_modality", "vision_config": {"cls": "x", "params": {}}, "aligner_config": {"cls": "y", "params": {}}, "language_config": {\#(language)}}"#
        let error = #expect(throws: ModelError.self) { try JanusCheckpointConfig.decode(Data(json.utf8), file: "m/config.json") }
        let text = try #require(error).description
        #expect(text.contains("m/config.json") && text.contains(field == "num_key_value_heads" ? "num_key_value_heads" : field), "\(text)")
    }
}
