import Foundation

/// Where a command's model comes from: a known name (weights found by `WeightLocator`) or a folder.
public enum ModelSource: Equatable, Sendable {
    case preset(String)
    case folder(String)

    /// The model folder, and the preset's chat roles when it is a known name (a folder leaves them to the family).
    public func resolve(locator: WeightLocator = WeightLocator()) throws -> (folder: URL, template: ChatTemplate?) {
        switch self {
        case .folder(let path):
            return (URL(fileURLWithPath: path), nil)
        case .preset(let name):
            let preset = try ModelRegistry.preset(named: name)
            return (try locator.locate(preset), preset.template)
        }
    }
}
