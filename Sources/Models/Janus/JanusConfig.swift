import Foundation
import Formats

/// The official `config.json` of a Janus-family checkpoint (`model_type: multi_modality`).
/// Janus / Janus-Pro carry vision/aligner/gen_* configs; JanusFlow carries vision_und_enc / vision_gen_*.
public struct JanusCheckpointConfig: Codable, Equatable, Sendable {
    public var modelType: String
    public var languageConfig: LlamaConfig
    public var visionConfig: ComponentConfig?
    public var alignerConfig: ComponentConfig?
    public var genVisionConfig: ComponentConfig?
    public var genAlignerConfig: ComponentConfig?
    public var genHeadConfig: ComponentConfig?
    public var visionUndEncConfig: ComponentConfig?
    public var visionGenEncConfig: ComponentConfig?
    public var visionGenDecConfig: ComponentConfig?

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type", languageConfig = "language_config"
        case visionConfig = "vision_config", alignerConfig = "aligner_config"
        case genVisionConfig = "gen_vision_config", genAlignerConfig = "gen_aligner_config"
        case genHeadConfig = "gen_head_config", visionUndEncConfig = "vision_und_enc_config"
        case visionGenEncConfig = "vision_gen_enc_config", visionGenDecConfig = "vision_gen_dec_config"
    }

    /// The architecture family this config describes.
    public enum Family: String, Sendable { case janus, janusFlow = "janusflow" }

    public var family: Family { visionUndEncConfig != nil ? .janusFlow : .janus }

    /// Reads and checks `config.json`; errors name the file and the field.
    public static func load(from url: URL) throws -> JanusCheckpointConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.invalidConfig(file: url.path, detail: "cannot read the file: \(FileProblem.readReason(url.path))")
        }
        return try decode(data, file: url.path)
    }

    public static func decode(_ data: Data, file: String) throws -> JanusCheckpointConfig {
        let config: JanusCheckpointConfig
        do {
            config = try JSONDecoder().decode(JanusCheckpointConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ModelError.invalidConfig(file: file, detail: "missing field \(path(context.codingPath + [key]))")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ModelError.invalidConfig(file: file, detail: "field \(path(context.codingPath)): expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ModelError.invalidConfig(file: file, detail: "field \(path(context.codingPath)) is null; expected \(type)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ModelError.invalidConfig(file: file, detail: "not valid JSON or a bad value at \(path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw ModelError.invalidConfig(file: file, detail: "\(error)")
        }
        guard config.modelType == "multi_modality" else {
            throw ModelError.invalidConfig(file: file, detail: "model_type is '\(config.modelType)', expected 'multi_modality' (a Janus-family checkpoint)")
        }
        switch config.family {
        case .janus:
            for (name, value) in [("vision_config", config.visionConfig), ("aligner_config", config.alignerConfig)] where value == nil {
                throw ModelError.invalidConfig(file: file, detail: "missing field \(name)")
            }
        case .janusFlow:
            break
        }
        try config.languageConfig.validate(file: file)
        return config
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}

/// The components' typed configs, resolved from the free-form `params` (errors name the file and the field).
extension JanusCheckpointConfig {
    /// The SigLIP understanding encoder: `vision_config` (Janus) or `vision_und_enc_config` (JanusFlow).
    public func understandingVision(file: String) throws -> SigLIPConfig {
        let (field, component) = family == .janusFlow ? ("vision_und_enc_config", visionUndEncConfig) : ("vision_config", visionConfig)
        guard let component else { throw ModelError.invalidConfig(file: file, detail: "missing field \(field)") }
        return try SigLIPConfig.resolve(component.decodeParams(SigLIPConfig.Params.self, file: file, field: field), file: file, field: field)
    }

    public func aligner(file: String) throws -> JanusComponentParams.Aligner {
        guard let alignerConfig else { return JanusComponentParams.Aligner() }
        let params = try alignerConfig.decodeParams(JanusComponentParams.Aligner.self, file: file, field: "aligner_config")
        if let type = params.projectorType, type != "mlp_gelu" {
            throw ModelError.invalidConfig(file: file, detail: "aligner_config.params.projector_type '\(type)' is not supported (expected mlp_gelu)")
        }
        return params
    }

    public func generationAligner(file: String) throws -> JanusComponentParams.Aligner {
        try genAlignerConfig?.decodeParams(JanusComponentParams.Aligner.self, file: file, field: "gen_aligner_config")
            ?? JanusComponentParams.Aligner()
    }

    /// The VQ image tokenizer and the generation embedding table's size (`gen_vision_config`).
    public func generationVision(file: String) throws -> (vq: VQ16Config, params: JanusComponentParams.GenVision) {
        guard let genVisionConfig else {
            throw ModelError.invalidConfig(file: file, detail: "missing field gen_vision_config (text-to-image needs it)")
        }
        let vq = try VQ16Config.resolve(className: genVisionConfig.cls,
                                        params: genVisionConfig.decodeParams(VQ16Config.Params.self, file: file, field: "gen_vision_config"),
                                        file: file, field: "gen_vision_config")
        return (vq, try genVisionConfig.decodeParams(JanusComponentParams.GenVision.self, file: file, field: "gen_vision_config"))
    }

    public func generationHead(file: String) throws -> JanusComponentParams.GenHead {
        try genHeadConfig?.decodeParams(JanusComponentParams.GenHead.self, file: file, field: "gen_head_config")
            ?? JanusComponentParams.GenHead()
    }
}
