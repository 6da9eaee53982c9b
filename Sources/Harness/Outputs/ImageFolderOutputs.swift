import Formats
import Foundation
import Suites

/// Images generated elsewhere in GenEval's layout (`--images DIR`): each item's image `<NNNNN>/samples/<k:05>.png`
/// (or `<k>.png`) must exist; its raw detections come from `--detections` or from the detector run here
/// (`DetectorOutputs`), and the image goes with them to the suite (CLIP colours, CLIPScore).
public final class ImageFolderOutputs: ItemOutputSource {
    public let folder: String
    public let configuration: JSONObject
    public let name = "images"
    public let detections: any DetectionProvider

    public init(folder: String, detections: any DetectionProvider) {
        self.folder = folder
        self.detections = detections
        configuration = JSONObject([("kind", .string("images")), ("folder", .string(folder)), ("detections", .object(detections.configuration))])
    }

    public var timings: JSONObject? { (detections as? DetectorOutputs)?.timings }

    /// The image of item `<NNNNN>/<k>` relative to the folder, as it exists (`<k:05>.png` first, then `<k>.png`).
    func imagePath(group: String, id: String) -> (relative: String, full: String, exists: Bool) {
        let k = Int(id.split(separator: "/").last ?? "") ?? 0
        let names = [String(format: "%05d.png", k), "\(k).png"].map { group + "/samples/" + $0 }
        let found = names.first { FileManager.default.fileExists(atPath: folder + "/" + $0) }
        return (found ?? names[0], folder + "/" + (found ?? names[0]), found != nil)
    }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        var out: [String: Result<ItemOutput, any Error>] = [:]
        for item in items {
            let path = imagePath(group: group, id: item.id)
            guard path.exists else {
                out[item.id] = .failure(HarnessError.outputs(path: path.full, reason: "no such image (GenEval layout: <NNNNN>/samples/<k:05>.png)"))
                continue
            }
            out[item.id] = Result {
                let image = try ImageDecoder.read(file: path.full)
                return .detectionsOnImage(try detections.detections(id: item.id, imagePath: path.relative, image: image), image: image)
            }
        }
        return out
    }
}
