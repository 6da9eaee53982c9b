import Formats
import Foundation

/// One `*_config` entry of the official config.json: a class name and its constructor params, kept as JSON until
/// the component that owns them decodes them into its typed config (`SigLIPConfig.Params`, `VQ16Config.Params`).
public struct ComponentConfig: Codable, Equatable, Sendable {
    public var cls: String
    public var params: [String: JSONValue]

    enum CodingKeys: String, CodingKey { case cls, params }

    public init(cls: String, params: [String: JSONValue]) {
        self.cls = cls
        self.params = params
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cls = try c.decodeIfPresent(String.self, forKey: .cls) ?? ""
        params = try c.decodeIfPresent([String: JSONValue].self, forKey: .params) ?? [:]
    }

    /// `params` as the component's own Codable type; a wrong type names `field.params.<key>` in `file`.
    public func decodeParams<T: Decodable>(_ type: T.Type, file: String, field: String) throws -> T {
        do {
            return try JSONValue.object(JSONObject(params.keys.sorted().map { ($0, params[$0]!) })).decode(T.self)
        } catch let DecodingError.typeMismatch(expected, context) {
            throw ModelError.invalidConfig(file: file, detail: "field \(field).params.\(context.codingPath.map(\.stringValue).joined(separator: ".")): expected \(expected)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ModelError.invalidConfig(file: file, detail: "field \(field).params.\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw ModelError.invalidConfig(file: file, detail: "field \(field).params: \(error)")
        }
    }

    public func int(_ key: String) -> Int? { params[key]?.exactInt }
}

extension JSONValue {
    /// An integer, also when written as an integral float (`384.0`).
    var exactInt: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }
}
