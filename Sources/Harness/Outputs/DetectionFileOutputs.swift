import Foundation
import Formats
import Scorers
import Suites

/// Where the raw detections of a GenEval image come from: a file made elsewhere (`DetectionFileOutputs`) or the
/// detector network run here (`DetectorOutputs`).
public protocol DetectionProvider: AnyObject {
    /// What the run's configuration records (the file and its digest, or the detector and its weights).
    var configuration: JSONObject { get }
    /// The raw detections per class of item `id` (`<NNNNN>/<k>`), the image `<NNNNN>/samples/<k:05>.png`
    /// (`imagePath`), whose pixels are `image` when known (masks are checked against its size).
    func detections(id: String, imagePath: String, image: RGBImage?) throws -> [String: [ObjectDetection]]
}

/// GenEval detections made by another detector (`--detections FILE.jsonl`): one line per image,
/// `{"image": "<NNNNN>/samples/<k>.png", "detections": {"<class>": [[x1, y1, x2, y2, score, "colour"?], …]},
/// "masks": {"<class>": [{"size": [h, w], "counts": "…"} | null, …]}?}` — raw boxes, before GenEval's own filtering,
/// and optionally each detection's binary mask as COCO RLE (pycocotools' compressed string; one entry per detection,
/// null for none). The image path is relative to the image folder; the sample file may be named `<k>.png` or, as the
/// official generator writes it, `<k:05>.png`. A colour given as the 6th value is used as is; without one the colour
/// is read by GenEval's CLIP classifier when the images are given (`--images`, or a model run) with CLIP, through
/// the mask when there is one and from the box otherwise (the record says so), else a colour clause fails with that
/// reason. GenEval's own results.jsonl (`filename`, `details`: a JSON string of the boxes it kept) is read too; its
/// boxes are already filtered (GenEval's filtering is idempotent on them) and carry no colours, and the run records that.
public final class DetectionFileOutputs: ItemOutputSource, DetectionProvider {
    public let file: String
    public let configuration: JSONObject
    public let name = "detections"
    struct Line {
        var number: Int
        var image: String
        var detections: [String: [ObjectDetection]]
        var masks: [String: [COCOMaskRLE?]]
    }
    /// item id (`<NNNNN>/<k>`) → its line.
    let lines: [String: Line]

    public init(file: String) throws {
        self.file = file
        var lines: [String: Line] = [:]
        var filtered = false, anyMask = false
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
                guard lines[id] == nil else { throw HarnessError.outputs(path: "\(file):\(number)", reason: "a second line for \(filename)") }
                lines[id] = Line(number: number, image: relative, detections: perClass, masks: [:])
                return
            }
            let line = try Self.parseLine(c, location: "\(file):\(number)", number: number)
            guard let id = Self.itemID(imagePath: line.image) else {
                throw HarnessError.outputs(path: "\(file):\(number)", reason: "image '\(line.image)' is not <NNNNN>/samples/<k>.png")
            }
            guard lines[id] == nil else { throw HarnessError.outputs(path: "\(file):\(number)", reason: "a second line for \(line.image)") }
            if !line.masks.isEmpty { anyMask = true }
            lines[id] = line
        }
        self.lines = lines
        configuration = JSONObject([("kind", .string("detections")), ("file", .string(file)),
                                    ("sha256", .string(try SHA256.hexDigest(file: file))),
                                    ("masks", .string(anyMask ? "read (COCO RLE)" : "none in the file (colours read from boxes)")),
                                    ("format", .string(filtered ? "geneval results.jsonl (already filtered, no colours)" : "raw detections"))])
    }

    /// One raw-detections line (also `DetectorOutputs`' own file when a run resumes).
    static func parseLine(_ c: JSONCursor, location: String, number: Int) throws -> Line {
        let image = try c.string("image")
        var perClass: [String: [ObjectDetection]] = [:]
        for (className, list) in try c.field("detections").entries() {
            perClass[className] = try list.asArray().map { box in
                let v = try box.asArray()
                guard v.count == 5 || v.count == 6 else {
                    throw HarnessError.outputs(path: location, reason: "a \(className) detection has \(v.count) values; expected [x1, y1, x2, y2, score] or with a colour")
                }
                let numbers = try v[0..<5].map { try $0.asDouble() }
                guard numbers.allSatisfy(\.isFinite) else {
                    throw HarnessError.outputs(path: location, reason: "a \(className) detection has a non-finite value")
                }
                return ObjectDetection(box: Array(numbers[0..<4]), score: numbers[4], colorHint: v.count == 6 ? try v[5].asString() : nil)
            }
        }
        var masks: [String: [COCOMaskRLE?]] = [:]
        if let field = try c.optional("masks"), !field.isNull {
            for (className, list) in try field.entries() {
                guard let boxes = perClass[className] else {
                    throw HarnessError.outputs(path: location, reason: "masks for \(className), which has no detections")
                }
                let entries = try list.asArray()
                guard entries.count == boxes.count else {
                    throw HarnessError.outputs(path: location, reason: "\(entries.count) \(className) mask(s) for \(boxes.count) detection(s); expected one each (null for none)")
                }
                masks[className] = try entries.enumerated().map { k, entry -> COCOMaskRLE? in
                    if entry.isNull { return nil }
                    do {
                        let size = try entry.field("size").asArray().map { try $0.asInt() }
                        guard size.count == 2, size[0] > 0, size[1] > 0 else {
                            throw HarnessError.outputs(path: location, reason: "\(className) mask \(k): size must be [height, width], found \(size)")
                        }
                        let counts = try entry.field("counts")
                        let rle: COCOMaskRLE
                        if case .array = counts.value {
                            rle = COCOMaskRLE(height: size[0], width: size[1], counts: try counts.asArray().map { try $0.asInt() })
                        } else {
                            rle = try COCOMaskRLE(height: size[0], width: size[1], countsString: try counts.asString())
                        }
                        let total = rle.counts.reduce(0, +)
                        guard rle.counts.allSatisfy({ $0 >= 0 }), total == size[0] * size[1] else {
                            throw HarnessError.outputs(path: location, reason: "\(className) mask \(k): the runs cover \(total) pixels, the size \(size[0])×\(size[1]) has \(size[0] * size[1])")
                        }
                        return rle
                    } catch let error as HarnessError {
                        throw error
                    } catch {
                        throw HarnessError.outputs(path: location, reason: "\(className) mask \(k) is not COCO RLE {\"size\": [h, w], \"counts\": \"…\"}: \(error)")
                    }
                }
            }
        }
        return Line(number: number, image: image, detections: perClass, masks: masks)
    }

    /// `<NNNNN>/samples/<k>.png` (or `<k:05>.png`) → `<NNNNN>/<k>`.
    static func itemID(imagePath: String) -> String? {
        let parts = imagePath.split(separator: "/")
        guard parts.count == 3, parts[1] == "samples", parts[0].allSatisfy(\.isNumber), parts[2].hasSuffix(".png"),
              let k = Int(parts[2].dropLast(4)) else { return nil }
        return "\(parts[0])/\(k)"
    }

    /// The detections of one line with their masks decoded (checked against the image's size when it is known).
    static func decode(_ line: Line, file: String, image: RGBImage?) throws -> [String: [ObjectDetection]] {
        var out = line.detections
        for (className, masks) in line.masks {
            for (k, rle) in masks.enumerated() {
                guard let rle else { continue }
                if let image, rle.height != image.height || rle.width != image.width {
                    throw HarnessError.outputs(path: "\(file):\(line.number)", reason: "\(className) mask \(k) is \(rle.height)×\(rle.width) (size [h, w]) but the image \(line.image) is \(image.height)×\(image.width)")
                }
                out[className]![k].mask = try rle.mask()
            }
        }
        return out
    }

    public func detections(id: String, imagePath: String, image: RGBImage?) throws -> [String: [ObjectDetection]] {
        guard let line = lines[id] else { throw HarnessError.outputs(path: file, reason: "no detections for image \(id)") }
        return try Self.decode(line, file: file, image: image)
    }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        var out: [String: Result<ItemOutput, any Error>] = [:]
        for item in items {
            out[item.id] = Result { .detections(try detections(id: item.id, imagePath: "", image: nil)) }
        }
        return out
    }
}
