import Foundation
import Formats
import Tensors

/// `--inception-weights demo`: pytorch-fid's FID Inception-v3 (the same blocks, pools and BatchNorm eps) at a quarter
/// of every width (pool3 is 512-d), with seeded random weights made in memory — no file — so the demo and CI can run
/// FID without the 95 MB download. Its numbers mean nothing; it only shows the FID plumbing at work.
///
/// Weights: each convolution He-normal (std √(2 / fan-in)) from numpy's `default_rng` stream seeded by `seed` and the
/// tensor's name; BatchNorm γ = 1, β = 0. Random BatchNorm statistics would make every image's features nearly the
/// same, so they are calibrated the way tools/reference calibrates its random full-size file: one train-mode pass
/// (each convolution normalised by its batch statistics on the way) over `calibrationImages` procedurally drawn
/// images (seeded gradients, rectangles and discs — never the images being scored, so the network does not depend
/// on them), keeping running mean = batch mean and running variance = the unbiased batch variance, as torch's
/// cumulative average does after one batch. The digest names the resulting tensors (it is what run.json records
/// and what keys the feature cache).
public enum DemoInception {
    public static let name = "demo"
    public static let widthDivisor = 4
    public static let seed: UInt64 = 20_251_201
    public static let calibrationImages = 8
    public static let description = "demo: seeded random FID Inception-v3 at 1/4 width (pool3 512-d), BatchNorm calibrated on 8 drawn images, made in memory (numbers are meaningless)"

    /// The calibrated network and the SHA-256 of its tensors.
    public static func make() throws -> (network: InceptionV3, digest: String) {
        let built = try build()
        return (built.network, built.digest)
    }

    /// The network with every tensor it was made from (raw convolution weights, calibrated BatchNorm statistics).
    public struct Built {
        public let network: InceptionV3
        public let digest: String
        public let tensors: [String: Tensor]
    }

    public static func build() throws -> Built {
        var tensors: [String: Tensor] = [:]
        func generate(_ name: String, _ shape: [Int]) -> Tensor {
            if let t = tensors[name] { return t }
            let count = shape.reduce(1, *)
            let values: [Float]
            if name.hasSuffix(".conv.weight") {
                var rng = NumpyRandom(seed: seed ^ nameSeed(name))
                let std = Float((2.0 / Double(count / shape[0])).squareRoot())
                values = rng.standardNormals(count).map { $0 * std }
            } else if name.hasSuffix(".bn.weight") || name.hasSuffix(".bn.running_var") {
                values = [Float](repeating: 1, count: count)
            } else {
                values = [Float](repeating: 0, count: count)
            }
            let t = Tensor(shape: shape, floats: values)
            tensors[name] = t
            return t
        }
        // Pass 1: the network's structure and weights; its own BatchNorm statistics are not used.
        let draft = try InceptionV3(loader: InceptionLoader(widthDivisor: widthDivisor, generating: generate), source: description)
        let calibration = BatchNormCalibration(weights: tensors)
        _ = draft.forward(calibrationBatch(), block: 3, calibration)
        for (conv, stats) in calibration.statistics {
            tensors[conv + ".bn.running_mean"] = Tensor(shape: [stats.mean.count], floats: stats.mean)
            tensors[conv + ".bn.running_var"] = Tensor(shape: [stats.variance.count], floats: stats.variance)
        }
        // Pass 2: the same weights with the calibrated statistics, folded as a loaded checkpoint is.
        let network = try InceptionV3(loader: InceptionLoader(widthDivisor: widthDivisor, generating: generate), source: description)
        var bytes: [UInt8] = []
        for name in tensors.keys.sorted() {
            let t = tensors[name]!
            bytes += Array((name + " " + t.shape.map(String.init).joined(separator: "x") + "\n").utf8)
            t.toFloats().withUnsafeBytes { bytes += $0 }
        }
        return Built(network: network, digest: SHA256.hexDigest(bytes), tensors: tensors)
    }

    static func nameSeed(_ name: String) -> UInt64 { UInt64(SHA256.hexDigest(name).prefix(15), radix: 16)! }

    /// `calibrationImages` network inputs (3 × 299 × 299 in [−1, 1]): a two-colour gradient in a random direction,
    /// three rectangles and two discs of random colours, and a little pixel noise.
    public static func calibrationBatch() -> Tensor {
        let size = InceptionV3.inputSize, plane = size * size
        var rng = NumpyRandom(seed: seed &+ 1)
        var out = [Float](repeating: 0, count: calibrationImages * 3 * plane)
        for b in 0..<calibrationImages {
            func colour() -> [Float] { (0..<3).map { _ in Float(rng.random() * 2 - 1) } }
            let (c0, c1) = (colour(), colour())
            let angle = rng.random() * 2 * Double.pi
            let (dx, dy) = (Float(cos(angle)), Float(sin(angle)))
            var image = [Float](repeating: 0, count: 3 * plane)
            for y in 0..<size {
                for x in 0..<size {
                    let t = min(max(0.5 + (dx * Float(x - size / 2) + dy * Float(y - size / 2)) / Float(size), 0), 1)
                    for c in 0..<3 { image[c * plane + y * size + x] = c0[c] * (1 - t) + c1[c] * t }
                }
            }
            for shape in 0..<5 {
                let col = colour()
                let cx = rng.integers(0, size), cy = rng.integers(0, size), r = rng.integers(12, size / 4)
                for y in max(0, cy - r)..<min(size, cy + r) {
                    for x in max(0, cx - r)..<min(size, cx + r) where shape < 3 || (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r {
                        for c in 0..<3 { image[c * plane + y * size + x] = col[c] }
                    }
                }
            }
            let noise = rng.standardNormals(3 * plane)
            for i in 0..<(3 * plane) { out[b * 3 * plane + i] = min(max(image[i] + 0.05 * noise[i], -1), 1) }
        }
        return Tensor(shape: [calibrationImages, 3, size, size], floats: out)
    }
}

/// BatchNorm in train mode, once: each convolution runs on its raw weights, its output is normalised per channel by
/// the batch's mean and (biased) variance, γ = 1, β = 0, then ReLU; the batch mean and the unbiased variance are kept
/// per convolution (torch's running statistics after one batch with `momentum=None`).
final class BatchNormCalibration: InceptionConvolutions {
    let weights: [String: Tensor]
    private(set) var statistics: [String: (mean: [Float], variance: [Float])] = [:]

    init(weights: [String: Tensor]) { self.weights = weights }

    func apply(_ conv: InceptionConv, _ x: Tensor) -> Tensor {
        let c = conv.convolution
        let raw = ChannelMajor.Convolution(weight: weights[conv.name + ".conv.weight"]!, bias: Tensor(zeros: [c.outChannels]),
                                           stride: c.stride, padding: c.padding, relu: false)(x)
        var z = raw.toFloats()
        let per = z.count / c.outChannels
        var means = [Float](), variances = [Float]()
        for o in 0..<c.outChannels {
            var sum = 0.0, squares = 0.0
            for i in 0..<per { let v = Double(z[o * per + i]); sum += v; squares += v * v }
            let mean = sum / Double(per), biased = max(squares / Double(per) - mean * mean, 0)
            let inverse = 1 / (biased + InceptionConv.batchNormEpsilon).squareRoot()
            for i in 0..<per { z[o * per + i] = Float(max((Double(z[o * per + i]) - mean) * inverse, 0)) }
            means.append(Float(mean)); variances.append(Float(biased * Double(per) / Double(max(per - 1, 1))))
        }
        statistics[conv.name] = (means, variances)
        return Tensor(shape: raw.shape, floats: z)
    }

    func apply(_ conv: InceptionConv, _ x: Tensor, into out: Tensor, channelOffset: Int) {
        ChannelMajor.copy(apply(conv, x), into: out, channelOffset: channelOffset)
    }

    func heads(_ stacked: ChannelMajor.Convolution, parts: [InceptionConv], _ x: Tensor) -> Tensor {
        let outputs = parts.map { apply($0, x) }
        let out = Tensor(uninitialized: [outputs.reduce(0) { $0 + $1.shape[0] }] + Array(outputs[0].shape.dropFirst()))
        var offset = 0
        for o in outputs { ChannelMajor.copy(o, into: out, channelOffset: offset); offset += o.shape[0] }
        return out
    }
}
