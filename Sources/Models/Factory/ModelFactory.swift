import Formats
import Foundation

/// Builds a model from a checkpoint folder: its config.json decides the family, the command names the capability
/// it needs. A new architecture is one folder plus one line in `families`.
public enum ModelFactory {
    /// Every family janus-eval can build, one line each; the first that reads a config wins.
    public static let families: [any ModelFamily.Type] = [
        JanusFamily.self,
        JanusFlowFamily.self,
    ]

    /// The family of the checkpoint in `folder`.
    public static func family(of folder: URL) throws -> any ModelFamily.Type {
        let file = folder.appendingPathComponent("config.json").path
        let config: JSONObject
        do {
            guard case .object(let object) = try JSONReader.parse(file: file).cursor.value else {
                throw ModelError.invalidConfig(file: file, detail: "expected a JSON object")
            }
            config = object
        } catch let error as ModelError {
            throw error
        } catch let error as JSONError {
            throw error  // names the file already
        } catch {
            throw ModelError.invalidConfig(file: file, detail: "\(error)")
        }
        for family in families where family.reads(config: config) { return family }
        let type = config["model_type"].map { $0.kindDescription } ?? "no model_type"
        var known: [String] = []
        for family in families { known.append(family.id) }
        throw ModelError.unknownFamily(file: file, detail: "model_type is \(type)", known: known)
    }

    public static func visualQA(folder: URL, options: ModelBuildOptions = .init()) throws -> any VisualQA {
        try family(of: folder).visualQA(folder: folder, options: options)
    }

    public static func textToImage(folder: URL, options: ModelBuildOptions = .init()) throws -> any TextToImage {
        try family(of: folder).textToImage(folder: folder, options: options)
    }

    public static func imageFeatures(folder: URL, options: ModelBuildOptions = .init()) throws -> any ImageFeatures {
        try family(of: folder).imageFeatures(folder: folder, options: options)
    }
}
