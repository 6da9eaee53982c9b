import Foundation
import Formats
import Scorers
import Tensors
import Testing
import TestSupport

/// `--inception-weights demo`: the in-memory network is the same every time, its BatchNorm statistics are the batch
/// statistics of the calibration pass, and its features spread across images (random statistics would not).
@Suite(.serialized) struct DemoInceptionTests {
    static func pairSpread(_ rows: [[Float]]) -> Double {
        var distance = 0.0, norm = 0.0, pairs = 0
        for i in rows.indices {
            norm += rows[i].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            for j in rows.indices where j > i {
                distance += zip(rows[i], rows[j]).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
                pairs += 1
            }
        }
        return (distance / Double(pairs)) / (norm / Double(rows.count))
    }

    @Test func deterministicCalibratedAndSpread() throws {
        let (network, digest) = try DemoInception.make()
        let (again, digestAgain) = try DemoInception.make()
        #expect(digest == digestAgain && digest.count == 64)
        #expect(network.blockWidths == [16, 48, 192, 512])
        let files = try ImageFolderListing.images(in: FixturePaths.path("inception/images/a"), mode: .pytorchFID)
        let inputs = try files.flatMap { FIDPreprocessing.pytorchFID.input(try ImageDecoder.read(file: FixturePaths.path("inception/images/a/" + $0))) }
        let batch = Tensor(shape: [files.count, 3, 299, 299], floats: inputs)
        let features = network.features(batch, block: 3)
        #expect(features == again.features(batch, block: 3))
        #expect(features.allSatisfy { $0.count == 512 && $0.allSatisfy(\.isFinite) })
        // The calibrated tiny pytorch-fid fixture spreads by 0.43 on these images (summary.json); random BatchNorm
        // statistics collapse it towards 0. The demo network must spread comparably.
        let spread = Self.pairSpread(features)
        print("demo Inception pool3 spread (mean pair distance / mean norm) on inception/images/a: \(spread)")
        #expect(spread > 0.1)

        // Calibration: the first convolution's running mean/variance are its raw output's batch statistics on the
        // calibration images (its input is that batch itself), unbiased variance as torch keeps it.
        let built = try DemoInception.build()
        #expect(built.digest == digest)
        let weight = try #require(built.tensors["Conv2d_1a_3x3.conv.weight"])
        let mean = try #require(built.tensors["Conv2d_1a_3x3.bn.running_mean"]).toFloats()
        let variance = try #require(built.tensors["Conv2d_1a_3x3.bn.running_var"]).toFloats()
        let raw = ChannelMajor.Convolution(weight: weight, bias: Tensor(zeros: [mean.count]), stride: (2, 2), relu: false)(
            ChannelMajor.swapBatchAndChannels(DemoInception.calibrationBatch())).toFloats()
        let per = raw.count / mean.count
        for c in [0, mean.count / 2, mean.count - 1] {
            let values = raw[(c * per)..<((c + 1) * per)].map(Double.init)
            let m = values.reduce(0, +) / Double(per)
            let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(per - 1)
            #expect(abs(Double(mean[c]) - m) <= 1e-4 * max(1, abs(m)))
            #expect(abs(Double(variance[c]) - v) <= 1e-4 * v)
            #expect(v > 1e-3, "a live channel")
        }
        // Deeper layers: calibrated too (not the 0 / 1 the draft starts from).
        let deep = try #require(built.tensors["Mixed_7c.branch_pool.bn.running_var"]).toFloats()
        #expect(deep.contains { abs($0 - 1) > 1e-3 })
    }
}
