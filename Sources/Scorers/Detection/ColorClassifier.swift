import Formats

/// A colour classifier that looks at pixels (GenEval's CLIP classifier): it is handed the image the detections were
/// made on. `bound(to:)` turns it into the `ColorClassifier` the GenEval judge asks, for one image.
public protocol ImageColorClassifier: Sendable {
    func colors(of objects: [ObjectDetection], className: String, in image: RGBImage) throws -> [String]
}

extension ImageColorClassifier {
    /// This classifier for the detections of one image.
    public func bound(to image: RGBImage) -> ImageBoundColorClassifier {
        ImageBoundColorClassifier(classifier: self, image: image)
    }
}

/// An `ImageColorClassifier` with its image: what `GenEvalJudge.judge(_:detections:colors:)` takes.
public struct ImageBoundColorClassifier: ColorClassifier {
    public let classifier: any ImageColorClassifier
    public let image: RGBImage

    public init(classifier: any ImageColorClassifier, image: RGBImage) {
        self.classifier = classifier; self.image = image
    }

    public func colors(of objects: [ObjectDetection], className: String) throws -> [String] {
        try classifier.colors(of: objects, className: className, in: image)
    }
}
