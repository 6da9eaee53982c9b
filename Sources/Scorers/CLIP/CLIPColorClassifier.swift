import Foundation
import Formats
import Tensors

/// GenEval's colour classifier (djghosh13/geneval evaluation/evaluate_images.py `color_classification`, with
/// clip_benchmark's `zero_shot_classifier` and `run_classification`), on CLIP ViT-L/14:
/// - the crop (`ImageCrops`, bgcolor `#999`, crop on): the image composited over solid (153, 153, 153) through the
///   instance mask (no mask: the image itself), then `crop(box)` with Pillow's rounding (half to even) and black
///   outside the image;
/// - open_clip's preprocessing (`CLIPImagePreprocessor`);
/// - per colour, the three templates "a photo of a {c} {cls}", "a photo of a {c}-colored {cls}",
///   "a photo of a {c} object" ("a" even before a vowel): each text embedding L2-normalised, the three averaged,
///   the mean renormalised;
/// - logits = 100 · normalised image embedding · each colour's vector; the colour is the argmax (first on ties).
/// GenEval computes under CUDA fp16 autocast; this runs in float32 (weights in their stored dtype).
public final class CLIPColorClassifier: ImageColorClassifier, @unchecked Sendable {
    /// GenEval's COLORS, in its order.
    public static let colors = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white"]
    public static let templates = ["a photo of a {c} {cls}", "a photo of a {c}-colored {cls}", "a photo of a {c} object"]
    public static let background: (UInt8, UInt8, UInt8) = (153, 153, 153)

    public let model: CLIPModel
    private var classifiers: [String: [[Float]]] = [:]
    private let lock = NSLock()

    public init(model: CLIPModel) { self.model = model }

    /// The texts for one colour and class.
    public static func texts(color: String, className: String) -> [String] {
        templates.map { $0.replacingOccurrences(of: "{c}", with: color).replacingOccurrences(of: "{cls}", with: className) }
    }

    /// The zero-shot classifier of a class: one unit vector per colour (cached per class, as GenEval caches it).
    public func classifier(for className: String) throws -> [[Float]] {
        lock.lock()
        if let hit = classifiers[className] { lock.unlock(); return hit }
        lock.unlock()
        let texts = Self.colors.flatMap { Self.texts(color: $0, className: className) }
        let embeddings = CLIPModel.normalized(try model.textEmbeddings(texts))
        let n = Self.templates.count
        let vectors: [[Float]] = Self.colors.indices.map { c in
            let rows = embeddings[(c * n)..<((c + 1) * n)]
            let d = rows.first!.count
            var mean = [Double](repeating: 0, count: d)
            for row in rows { for i in 0..<d { mean[i] += Double(row[i]) } }
            mean = mean.map { $0 / Double(n) }
            let norm = mean.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return mean.map { Float($0 / norm) }
        }
        lock.lock(); classifiers[className] = vectors; lock.unlock()
        return vectors
    }

    /// Pillow's `int(round(v))`: half to even.
    static func pillowRound(_ v: Double) -> Int { Int(v.rounded(.toNearestOrEven)) }

    /// GenEval's crop of one object: composite onto #999 through the mask, then the box.
    public static func crop(_ image: RGBImage, _ object: ObjectDetection) throws -> RGBImage {
        let w = image.width, h = image.height
        var source = image.pixels
        if let mask = object.mask {
            guard mask.count == w * h else { throw CLIPError.maskSize(expected: w * h, found: mask.count, image: (w, h)) }
            for i in 0..<(w * h) where !mask[i] {
                source[i * 3] = background.0; source[i * 3 + 1] = background.1; source[i * 3 + 2] = background.2
            }
        }
        let r = object.box.map(pillowRound)
        let (x0, y0, x1, y1) = (r[0], r[1], r[2], r[3])
        guard x1 > x0, y1 > y0 else { throw CLIPError.emptyCrop(box: object.box, rounded: r, image: (w, h)) }
        let cw = x1 - x0, ch = y1 - y0
        var out = [UInt8](repeating: 0, count: cw * ch * 3)
        for y in max(y0, 0)..<max(min(y1, h), max(y0, 0)) {
            for x in max(x0, 0)..<max(min(x1, w), max(x0, 0)) {
                let s = (y * w + x) * 3, d = ((y - y0) * cw + (x - x0)) * 3
                out[d] = source[s]; out[d + 1] = source[s + 1]; out[d + 2] = source[s + 2]
            }
        }
        return RGBImage(width: cw, height: ch, pixels: out)
    }

    /// 100 · cosine logits [objects][10] for the objects of one class in one image.
    public func logits(of objects: [ObjectDetection], className: String, in image: RGBImage) throws -> [[Float]] {
        guard !objects.isEmpty else { return [] }
        let classifier = try classifier(for: className)
        let crops = try objects.map { try Self.crop(image, $0) }
        let features = CLIPModel.normalized(try model.imageEmbeddings(crops))
        return features.map { f in
            classifier.map { column in
                var dot = 0.0
                for i in 0..<f.count { dot += Double(f[i]) * Double(column[i]) }
                return Float(100 * dot)
            }
        }
    }

    public func colors(of objects: [ObjectDetection], className: String, in image: RGBImage) throws -> [String] {
        try logits(of: objects, className: className, in: image).map { row in
            var best = 0
            for i in row.indices where row[i] > row[best] { best = i }
            return Self.colors[best]
        }
    }
}
