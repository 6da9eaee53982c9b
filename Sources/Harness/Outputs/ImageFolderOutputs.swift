import Formats
import Foundation
import Suites

/// Images generated elsewhere in GenEval's layout (`--images DIR`): each item's image must exist; detections come
/// from `--detections` (the detector network arrives with the scorer networks).
public final class ImageFolderOutputs: ItemOutputSource {
    public let folder: String
    public let configuration: JSONObject
    public let name = "images"
    let detections: DetectionFileOutputs

    public init(folder: String, detections: DetectionFileOutputs) {
        self.folder = folder
        self.detections = detections
        configuration = JSONObject([("kind", .string("images")), ("folder", .string(folder)), ("detections", .object(detections.configuration))])
    }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        var out = detections.outputs(for: items, group: group, groupIndex: groupIndex)
        for item in items {
            let k = Int(item.id.split(separator: "/").last ?? "") ?? 0
            let names = [String(format: "%05d.png", k), "\(k).png"].map { folder + "/" + group + "/samples/" + $0 }
            if !names.contains(where: FileManager.default.fileExists(atPath:)) {
                out[item.id] = .failure(HarnessError.outputs(path: names[0], reason: "no such image (GenEval layout: <NNNNN>/samples/<k:05>.png)"))
            }
        }
        return out
    }
}
