/// What an object detector reports, shared by the detector networks and the suites that judge their output.

/// One detected object: its box [x1, y1, x2, y2] in pixels and its confidence, plus whatever the colour
/// classifier needs to look at it (the mask, when the detector gives one).
public struct ObjectDetection: Equatable, Sendable {
    public var box: [Double]
    public var score: Double
    /// Row-major binary mask over the image (true = object), when available.
    public var mask: [Bool]?
    /// A colour already known for this object (tests, or a classifier that ran earlier).
    public var colorHint: String?

    public init(box: [Double], score: Double, mask: [Bool]? = nil, colorHint: String? = nil) {
        precondition(box.count == 4, "a box is [x1, y1, x2, y2]")
        self.box = box; self.score = score; self.mask = mask; self.colorHint = colorHint
    }
}

/// Names the colour of each object (GenEval's rule: CLIP ViT-L/14 zero-shot on the object masked onto #999 grey,
/// cropped to its box). The judge asks only for the top-`count` objects of a class.
public protocol ColorClassifier: Sendable {
    func colors(of objects: [ObjectDetection], className: String) throws -> [String]
}

/// A classifier that returns each detection's `colorHint` (colours recorded with the detections, in tests and when
/// replaying another detector's output). A detection without one is an error, never a guess: without the image and
/// the CLIP colour classifier, a colour clause cannot be judged without it.
public struct RecordedColorClassifier: ColorClassifier {
    public init() {}
    public func colors(of objects: [ObjectDetection], className: String) throws -> [String] {
        try objects.map { object in
            guard let colour = object.colorHint else { throw DetectionError.missingColor(className: className, box: object.box) }
            return colour
        }
    }
}

public enum DetectionError: Error, CustomStringConvertible, Equatable {
    case missingColor(className: String, box: [Double])

    public var description: String {
        switch self {
        case let .missingColor(className, box):
            return "the \(className) detection at \(box) has no colour, and a colour clause needs one (give it as the 6th value of the detection, or give the images (--images DIR, or a model run) with --clip-weights DIR so that GenEval's CLIP colour classifier reads it)"
        }
    }
}

/// Each detection's `colorHint` where it has one; the others go to `classifier` (GenEval's CLIP classifier bound to
/// the image), in one call. Without a classifier a detection without a hint is `DetectionError.missingColor`.
public struct HintFirstColorClassifier: ColorClassifier {
    public let classifier: (any ColorClassifier)?

    public init(classifier: (any ColorClassifier)?) { self.classifier = classifier }

    public func colors(of objects: [ObjectDetection], className: String) throws -> [String] {
        let unknown = objects.indices.filter { objects[$0].colorHint == nil }
        var out = objects.map { $0.colorHint ?? "" }
        guard !unknown.isEmpty else { return out }
        guard let classifier else { throw DetectionError.missingColor(className: className, box: objects[unknown[0]].box) }
        let read = try classifier.colors(of: unknown.map { objects[$0] }, className: className)
        for (i, colour) in zip(unknown, read) { out[i] = colour }
        return out
    }
}
