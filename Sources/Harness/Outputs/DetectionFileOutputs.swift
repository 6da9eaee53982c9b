import Foundation
import Formats
import Scorers
import Suites

/// GenEval detections made by another detector (`--detections FILE.jsonl`): one line per image,
/// `{"image": "<NNNNN>/samples/<k>.png", "detections": {"<class>": [[x1, y1, x2, y2, score, "colour"?], …]}}` — raw
/// boxes, before GenEval's own filtering. The image path is relative to the image folder; the sample file may be
/// named `<k>.png` or, as the official generator writes it, `<k:05>.png`. Colours are optional in the format, but
/// until the CLIP colour classifier lands a colour clause needs them (the item then fails with that reason).
/// Masks are not read: colours are taken as given (the report says colours were read without masks).
/// GenEval's own results.jsonl (`filename`, `details`: a JSON string of the boxes it kept) is read too; its boxes
/// are already filtered (GenEval's filtering is idempotent on them) and carry no colours, and the run records that.
public final class DetectionFileOutputs: ItemOutputSource {
    public let file: String
    public let configuration: JSONObject
    public let name = "detections"
    /// item id (`<NNNNN>/<k>`) → detections per class.
    let detections: [String: [String: [ObjectDetection]]]

    public init(file: String) throws {
        self.file = file
        var detections: [String: [String: [ObjectDetection]]] = [:]
        var filtered = false
        try JSONLinesReader.forEachLine(file: file) { number, doc in
            let c = doc.cursor
            if try c.optional("image") == nil, let details = try c.optional("details") {
                // GenEval's results.jsonl line: filename (relative to its image folder), details as a JSON string.
                filtered = true
                let filename = try c.string("filename")
                let relative = filename.split(separator: "/").suffix(3).joined(separator: "/")
                guard let id = Self.itemID(imagePath: relative) else {
                    throw HarnessError.outputs(path: "\(file):\(number)", reason: "filename '\(filename)' does not end in <NNNNN>/samples/<k>.png")
                }
                let boxes = try JSONReader.parse(Data(try details.asString().utf8), file: "\(file):\(number) details").cursor
                var perClass: [String: [ObjectDetection]] = [:]
                for (className, list) in try boxes.entries() {
                    perClass[className] = try list.asArray().map { box in
                        let v = try box.asArray().map { try $0.asDouble() }
                        guard v.count == 5, v.allSatisfy(\.isFinite) else {
                            throw HarnessError.outputs(path: "\(file):\(number)", reason: "a \(className) box in details is not [x1, y1, x2, y2, score]")
                        }
                        return ObjectDetection(box: Array(v[0..<4]), score: v[4])
                    }
                }
                guard detections[id] == nil else { throw HarnessError.outputs(path: "\(file):\(number)", reason: "a second line for \(filename)") }
                detections[id] = perClass
                return
            }
            let image = try c.string("image")
            guard let id = Self.itemID(imagePath: image) else {
                throw HarnessError.outputs(path: "\(file):\(number)", reason: "image '\(image)' is not <NNNNN>/samples/<k>.png")
            }
            guard detections[id] == nil else { throw HarnessError.outputs(path: "\(file):\(number)", reason: "a second line for \(image)") }
            var perClass: [String: [ObjectDetection]] = [:]
            for (className, list) in try c.field("detections").entries() {
                perClass[className] = try list.asArray().map { box in
                    let v = try box.asArray()
                    guard v.count == 5 || v.count == 6 else {
                        throw HarnessError.outputs(path: "\(file):\(number)", reason: "a \(className) detection has \(v.count) values; expected [x1, y1, x2, y2, score] or with a colour")
                    }
                    let numbers = try v[0..<5].map { try $0.asDouble() }
                    guard numbers.allSatisfy(\.isFinite) else {
                        throw HarnessError.outputs(path: "\(file):\(number)", reason: "a \(className) detection has a non-finite value")
                    }
                    return ObjectDetection(box: Array(numbers[0..<4]), score: numbers[4], colorHint: v.count == 6 ? try v[5].asString() : nil)
                }
            }
            detections[id] = perClass
        }
        self.detections = detections
        configuration = JSONObject([("kind", .string("detections")), ("file", .string(file)),
                                    ("sha256", .string(try SHA256.hexDigest(file: file))), ("masks", .string("not read")),
                                    ("format", .string(filtered ? "geneval results.jsonl (already filtered, no colours)" : "raw detections"))])
    }

    /// `<NNNNN>/samples/<k>.png` (or `<k:05>.png`) → `<NNNNN>/<k>`.
    static func itemID(imagePath: String) -> String? {
        let parts = imagePath.split(separator: "/")
        guard parts.count == 3, parts[1] == "samples", parts[0].allSatisfy(\.isNumber), parts[2].hasSuffix(".png"),
              let k = Int(parts[2].dropLast(4)) else { return nil }
        return "\(parts[0])/\(k)"
    }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        var out: [String: Result<ItemOutput, any Error>] = [:]
        for item in items {
            if let d = detections[item.id] { out[item.id] = .success(.detections(d)) }
            else { out[item.id] = .failure(HarnessError.outputs(path: file, reason: "no detections for image \(item.id)")) }
        }
        return out
    }
}
