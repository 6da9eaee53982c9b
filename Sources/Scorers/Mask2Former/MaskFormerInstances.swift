#if canImport(Glibc)
import Glibc
#endif
import Tensors

/// One instance of mmdet's MaskFormerFusionHead (instance_on) output.
public struct MaskFormerInstance: Equatable, Sendable {
    public var query: Int
    public var label: Int
    /// softmax probability of `label` (no-object column excluded after the softmax).
    public var classScore: Float
    /// classScore × mean sigmoid(mask logit) inside the binary mask.
    public var score: Float
    /// [x1, y1, x2, y2] in original-image pixels (x2, y2 exclusive: mask2bbox's max + 1); zeros for an empty mask.
    public var box: [Int]
    /// Row-major over the original image.
    public var mask: [Bool]
}

/// mmdet 2.x `Mask2FormerHead.simple_test` + `MaskFormerFusionHead.instance_postprocess` (rescale=True):
/// mask logits bilinearly upsampled to the padded input, cropped to the resized image, resized bilinearly to the
/// original size; class probabilities = softmax over all logits with the no-object column then dropped; the top
/// `maxPerImage` (query, class) pairs of the flattened probabilities; mask = logit > 0; score = probability × mean
/// sigmoid over the mask (denominator + 1e-6); box from the mask. Sorted by score, ties by (query, class) order.
public enum MaskFormerInstances {
    public static func postprocess(classLogits: Tensor, maskLogits: Tensor, padded: (Int, Int), resized: (Int, Int),
                                   original: (Int, Int), maxPerImage: Int = 100) -> [MaskFormerInstance] {
        let qn = classLogits.shape[0], classes = classLogits.shape[1] - 1
        let probabilities = Activations.softmax(classLogits).toFloats()
        var flat: [(Float, Int)] = []
        for q in 0..<qn { for c in 0..<classes { flat.append((probabilities[q * (classes + 1) + c], q * classes + c)) } }
        flat.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        let top = flat.prefix(maxPerImage)
        let (mh, mw) = (maskLogits.shape[1], maskLogits.shape[2])
        let (oh, ow) = original
        var masks: [Int: [Float]] = [:]
        for q in Set(top.map { $0.1 / classes }) {
            let plane = Tensor(shape: [1, 1, mh, mw], floats: Array(maskLogits.toFloats()[(q * mh * mw)..<((q + 1) * mh * mw)]))
            let up = BilinearResize.resize(plane, height: padded.0, width: padded.1).toFloats()
            var cropped = [Float](repeating: 0, count: resized.0 * resized.1)
            for y in 0..<resized.0 { for x in 0..<resized.1 { cropped[y * resized.1 + x] = up[y * padded.1 + x] } }
            masks[q] = BilinearResize.resize(Tensor(shape: [1, 1, resized.0, resized.1], floats: cropped), height: oh, width: ow).toFloats()
        }
        var instances: [MaskFormerInstance] = top.map { probability, index in
            let logits = masks[index / classes]!
            let binary = logits.map { $0 > 0 }
            var sum: Float = 0, count: Float = 0
            var (x1, y1, x2, y2) = (Int.max, Int.max, -1, -1)
            for y in 0..<oh { for x in 0..<ow where binary[y * ow + x] {
                sum += 1 / (1 + expf(-logits[y * ow + x])); count += 1
                x1 = min(x1, x); y1 = min(y1, y); x2 = max(x2, x); y2 = max(y2, y)
            } }
            let box = x2 < 0 ? [0, 0, 0, 0] : [x1, y1, x2 + 1, y2 + 1]
            return MaskFormerInstance(query: index / classes, label: index % classes, classScore: probability,
                                      score: probability * (sum / (count + 1e-6)), box: box, mask: binary)
        }
        instances = instances.enumerated().sorted { a, b in
            a.element.score != b.element.score ? a.element.score > b.element.score : a.offset < b.offset
        }.map(\.element)
        return instances
    }
}
