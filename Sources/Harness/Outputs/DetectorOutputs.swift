import Foundation
import Formats
import Scorers
#if canImport(Glibc)
import Glibc
#endif

/// GenEval's detector run here (Mask2Former, `--detector-weights`): the raw detections of each image — every
/// instance mmdet's post-processing gives, before GenEval's threshold and cap — with their masks. Each image's
/// detections are appended to the run's `detections.jsonl` as one line in exactly the `--detections` format (masks
/// as pycocotools' compressed COCO RLE), flushed and fsync'd before the image is judged, so that
/// `run geneval --images <run>/images --detections <run>/detections.jsonl` replays the run's judgments.
///
/// A resumed run asks only for the images the journal has not scored; one already in `detections.jsonl` (the kill
/// came between its detection and its judgment) is read back instead of detected again. A torn last line (the kill
/// came mid-write) is dropped on reopening, as `RunJournal` does; a bad line anywhere else is an error naming it.
public final class DetectorOutputs: DetectionProvider {
    public let detector: Mask2FormerDetector
    /// The class names the detections carry, by the detector's class index (GenEval's spellings).
    public let classNames: [String]
    public let configuration: JSONObject
    /// Set by the planner once the run folder is known: `<run>/detections.jsonl`.
    public var file = ""
    /// `--fresh`: the file is started over (as the journal is).
    public var fresh = false
    public private(set) var detectionSeconds = 0.0
    public private(set) var imagesDetected = 0
    public private(set) var droppedTornLine = false
    private var known: [String: DetectionFileOutputs.Line]?
    private var fd: Int32 = -1

    /// - Parameters:
    ///   - weights: the configuration's record of the detector's weights (files, digests).
    ///   - classNames: the names to give the detector's classes, by index (default: its own labels).
    public init(detector: Mask2FormerDetector, weights: JSONObject, classNames: [String]? = nil) {
        self.detector = detector
        let labels = detector.model.config.labels
        self.classNames = classNames.map { $0.count == labels.count ? $0 : labels } ?? labels
        var configuration = JSONObject([("kind", .string("detector")), ("network", .string("Mask2Former (\(detector.model.config.labels.count) classes)")),
                                        ("weights", .object(weights)),
                                        ("pipeline", .string("mmdet 2.x test_pipeline: resize (1333, 800) cv2 INTER_LINEAR, normalise, pad 32; MaskFormerFusionHead instances, max_per_image \(detector.maxPerImage)"))])
        configuration["file"] = .string("detections.jsonl (in the run folder)")
        self.configuration = configuration
    }

    deinit { if fd >= 0 { close(fd) } }

    /// This process's detector work, for run.timings.
    public var timings: JSONObject {
        var t = JSONObject([("detection_s", .double(detectionSeconds)), ("images_detected", .int(Int64(imagesDetected)))])
        if droppedTornLine { t["dropped_torn_detections_line"] = .bool(true) }
        return t
    }

    /// Reads what an earlier process of this run wrote, dropping a torn last line, and opens the file for appending.
    func open() throws {
        guard known == nil else { return }
        var lines: [String: DetectionFileOutputs.Line] = [:]
        if fresh { try? FileManager.default.removeItem(atPath: file) }
        if let data = FileManager.default.contents(atPath: file) {
            let bytes = [UInt8](data)
            var lineStart = 0, goodLength = 0, number = 0
            for (i, byte) in bytes.enumerated() where byte == 0x0A {
                number += 1
                let raw = Array(bytes[lineStart..<i])
                lineStart = i + 1
                goodLength = lineStart
                if raw.isEmpty { continue }
                let location = "\(file):\(number)"
                let line = try DetectionFileOutputs.parseLine(try JSONReader.parse(Data(raw), file: location).cursor, location: location, number: number)
                guard let id = DetectionFileOutputs.itemID(imagePath: line.image) else {
                    throw HarnessError.outputs(path: location, reason: "image '\(line.image)' is not <NNNNN>/samples/<k>.png")
                }
                lines[id] = line
            }
            if goodLength < bytes.count {
                droppedTornLine = true
                guard truncate(file, off_t(goodLength)) == 0 else {
                    throw HarnessError.output(path: file, reason: "cannot drop the torn last line (errno \(errno))")
                }
            }
        }
        fd = Glibc.open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw HarnessError.output(path: file, reason: "cannot open for appending (errno \(errno))") }
        known = lines
    }

    public func detections(id: String, imagePath: String, image: RGBImage?) throws -> [String: [ObjectDetection]] {
        guard let image else { throw HarnessError.outputs(path: imagePath, reason: "the detector needs the image") }
        try open()
        if let line = known?[id] { return try DetectionFileOutputs.decode(line, file: file, image: image) }
        let start = Date()
        var detections: [String: [ObjectDetection]] = [:]
        let labels = detector.model.config.labels
        let rename = Dictionary(zip(labels, classNames), uniquingKeysWith: { a, _ in a })
        for (name, list) in try detector.detect(image) { detections[rename[name] ?? name, default: []] += list }
        detectionSeconds += Date().timeIntervalSince(start)
        imagesDetected += 1
        try append(Self.line(image: imagePath, detections: detections, labels: classNames,
                              height: image.height, width: image.width))
        return detections
    }

    /// One `--detections` line: classes in the detector's label order, each class's detections most confident first,
    /// masks (row-major over the `height` × `width` image) as COCO RLE (null for a detection without one).
    public static func line(image: String, detections: [String: [ObjectDetection]], labels: [String], height: Int, width: Int) -> String {
        var boxes = JSONObject(), masks = JSONObject()
        for name in labels + detections.keys.sorted() where boxes[name] == nil {
            guard let list = detections[name] else { continue }
            boxes[name] = .array(list.map { d in .array((d.box + [d.score]).map(JSONValue.double) + (d.colorHint.map { [.string($0)] } ?? [])) })
        }
        var anyMask = false
        for (name, _) in boxes.entries {
            masks[name] = .array(detections[name]!.map { d in
                guard let mask = d.mask else { return .null }
                anyMask = true
                return .object(JSONObject([("size", .array([.int(Int64(height)), .int(Int64(width))])),
                                           ("counts", .string(COCOMaskRLE(mask: mask, height: height, width: width).countsString))]))
            })
        }
        var line = JSONObject([("image", .string(image)), ("detections", .object(boxes))])
        if anyMask { line["masks"] = .object(masks) }
        return JSONWriter(style: .compact).string(.object(line))
    }

    func append(_ text: String) throws {
        try DurableAppend.line(text, to: fd, path: file, what: "the detections")
    }
}
