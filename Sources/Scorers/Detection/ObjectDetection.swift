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

/// A classifier that returns each detection's `colorHint` (for tests and for replaying recorded colours).
public struct RecordedColorClassifier: ColorClassifier {
    public init() {}
    public func colors(of objects: [ObjectDetection], className: String) throws -> [String] {
        objects.map { $0.colorHint ?? "unknown" }
    }
}
