import Foundation
import Formats
import Scorers
import Tensors
import Testing
import TestSupport

/// Inception-v3 (FID variant) against pytorch-fid 0.3.0's own InceptionV3 (tools/reference/make_inception_fixtures.py).
///
/// Checked in CI: the reduced-width network (every width / 16, the same block classes: stem, FIDInceptionA,
/// InceptionB, FIDInceptionC, InceptionD, FIDInceptionE_1, FIDInceptionE_2, random weights, BatchNorm statistics
/// calibrated on images) for every block and both preprocessing modes, pytorch-fid's mu / sigma / FID of two
/// folders, strict loading. The full-size network runs only when its random weights are present
/// (`JANUS_INCEPTION_RANDOM`, default /work/ckpt/inception/pt_inception-random.pth; 95 MB, not committed): those
/// tests say so when they skip.
@Suite struct InceptionTests {
    static let tinyFolder = FixturePaths.path("inception/tiny")
    static let images = FixturePaths.path("inception/images")
    /// Relative tolerance of every parity check: max |Δ| ≤ 1e-4 · max |reference|.
    static let tolerance = 1e-4

    static func relative(_ got: [Double], _ want: [Double]) -> Double {
        let scale = want.map(abs).max() ?? 0
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
        return scale == 0 ? worst : worst / scale
    }

    static func extractor(_ network: InceptionV3, mode: FIDPreprocessing, block: Int) -> InceptionFeatureExtractor {
        InceptionFeatureExtractor(network: network, weightsDigest: "test", mode: mode, block: block, batchSize: 3, cacheRoot: nil)
    }

    @Test func tinyNetworkLoadsBothLayoutsWithWidthsFromTheFile() throws {
        for name in ["inception_tiny.pth", "inception_tiny_zip.pth"] {
            let net = try InceptionV3(file: Self.tinyFolder + "/" + name)
            #expect(net.blockWidths == [4, 12, 48, 128], "\(name)")
            #expect(try net.block(forDims: 128) == 3)
            #expect(throws: InceptionError.self) { try net.block(forDims: 2048) }
        }
        let legacy = try PyTorchCheckpoint(path: Self.tinyFolder + "/inception_tiny.pth")
        let zip = try PyTorchCheckpoint(path: Self.tinyFolder + "/inception_tiny_zip.pth")
        #expect(legacy.layout == "legacy" && zip.layout == "zip")
    }

    @Test func tinyFeaturesOfEveryBlockEqualPytorchFID() throws {
        let net = try InceptionV3(file: Self.tinyFolder + "/inception_tiny.pth")
        let expected = try NPZArchive.read(file: Self.tinyFolder + "/expected.npz")
        for folder in ["a", "b"] {
            for block in 0..<4 {
                let set = try Self.extractor(net, mode: .pytorchFID, block: block).features(folder: Self.images + "/" + folder)
                let want = try #require(expected["\(folder)_block\(block)"])
                #expect(set.features.count == want.shape[0] && set.features[0].count == want.shape[1])
                let reference = want.doubles(), width = want.shape[1]
                for (i, row) in set.features.enumerated() {
                    let r = Self.relative(row.map(Double.init), Array(reference[i * width..<(i + 1) * width]))
                    #expect(r <= Self.tolerance, "\(folder)/\(set.ids[i]) block \(block): relative error \(r)")
                }
            }
            let clean = try Self.extractor(net, mode: .clean, block: 3).features(folder: Self.images + "/" + folder)
            let want = try #require(expected["\(folder)_clean_block3"]).doubles()
            let r = Self.relative(clean.features.flatMap { $0.map(Double.init) }, want)
            print("tiny \(folder): clean-mode pool3 relative error \(r)")
            #expect(r <= Self.tolerance)
        }
    }

    @Test func tinyStatisticsAndFIDEqualPytorchFID() throws {
        let net = try InceptionV3(file: Self.tinyFolder + "/inception_tiny.pth")
        let expected = try NPZArchive.read(file: Self.tinyFolder + "/expected.npz")
        var stats: [GaussianStatistics] = []
        for folder in ["a", "b"] {
            let set = try Self.extractor(net, mode: .pytorchFID, block: 3).features(folder: Self.images + "/" + folder)
            let s = try set.statistics()
            let rm = Self.relative(s.mu, expected["\(folder)_mu"]!.doubles())
            let rs = Self.relative(s.sigma, expected["\(folder)_sigma"]!.doubles())
            print("tiny \(folder): mu relative error \(rm), sigma \(rs)")
            #expect(rm <= Self.tolerance && rs <= Self.tolerance)
            stats.append(s)
        }
        let fid = try FrechetDistance.compute(stats[0], stats[1]).value
        let want = expected["fid_a_b"]!.doubles()[0]
        print("tiny FID(a, b): ours \(fid), pytorch-fid \(want), relative \(abs(fid - want) / want)")
        #expect(abs(fid - want) <= Self.tolerance * want)
    }

    /// Every tensor must be used and every shape right: a dropped or an extra tensor is named.
    @Test func strictLoadingNamesMissingAndUnusedTensors() throws {
        let reader = try CheckpointFiles.openFile(Self.tinyFolder + "/inception_tiny.pth")
        let dropped = FilteredTensors(base: reader, drop: "Mixed_6c.branch7x7dbl_3.bn.running_var", extra: nil)
        #expect { try InceptionV3(provider: dropped) } throws: { error in
            "\(error)".contains("missing tensor(s): Mixed_6c.branch7x7dbl_3.bn.running_var")
        }
        let extra = FilteredTensors(base: reader, drop: nil, extra: ("AuxLogits.fc.weight", Tensor(zeros: [2, 2])))
        #expect { try InceptionV3(provider: extra) } throws: { error in "\(error)".contains("unused tensor(s): AuxLogits.fc.weight") }
    }

    @Test func resultsDoNotDependOnTheBatch() throws {
        let net = try InceptionV3(file: Self.tinyFolder + "/inception_tiny.pth")
        let one = Self.extractor(net, mode: .pytorchFID, block: 3)
        one.batchSize = 1
        let a = try one.features(folder: Self.images + "/a").features
        let b = try Self.extractor(net, mode: .pytorchFID, block: 3).features(folder: Self.images + "/a").features
        let r = Self.relative(a.flatMap { $0.map(Double.init) }, b.flatMap { $0.map(Double.init) })
        #expect(r <= 1e-6, "batch 1 vs 3: \(r)")
    }

    @Test func cacheIsKeyedByContentNotName() throws {
        let net = try InceptionV3(file: Self.tinyFolder + "/inception_tiny.pth")
        let dir = FixturePaths.temporaryDirectory("inception-cache")
        let root = dir.appendingPathComponent("cache").path, images = dir.appendingPathComponent("img").path
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        for name in ["a01_rgb_64x64.png", "a03_gray_50x41.png"] {
            try FileManager.default.copyItem(atPath: Self.images + "/a/" + name, toPath: images + "/" + name)
        }
        let extractor = InceptionFeatureExtractor(network: net, weightsDigest: "tiny", mode: .pytorchFID, block: 3, cacheRoot: root)
        let first = try extractor.features(folder: images)
        #expect(first.fromCache == 0)
        // Renamed: still a hit; the same values.
        try FileManager.default.moveItem(atPath: images + "/a01_rgb_64x64.png", toPath: images + "/renamed.png")
        let second = try extractor.features(folder: images)
        #expect(second.fromCache == 2)
        #expect(Set(second.features) == Set(first.features))
        // Another mode or another block is another key.
        let clean = InceptionFeatureExtractor(network: net, weightsDigest: "tiny", mode: .clean, block: 3, cacheRoot: root)
        #expect(try clean.features(folder: images).fromCache == 0)
    }

    @Test func listingFollowsEachTool() throws {
        let dir = FixturePaths.temporaryDirectory("inception-list")
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.path + "/sub", withIntermediateDirectories: true)
        for name in ["b.png", "a.jpg", "C.PNG", "notes.txt", "sub/d.png", ".hidden.png"] { _ = fm.createFile(atPath: dir.path + "/" + name, contents: Data([1])) }
        #expect(try ImageFolderListing.images(in: dir.path, mode: .pytorchFID) == [".hidden.png", "a.jpg", "b.png"])
        #expect(try ImageFolderListing.images(in: dir.path, mode: .clean) == ["C.PNG", "a.jpg", "b.png", "sub/d.png"])
        #expect(throws: InceptionError.self) { try ImageFolderListing.images(in: dir.path + "/sub/none", mode: .pytorchFID) }
    }

    @Test func missingWeightsSayHowToGetThem() throws {
        let env = ["HOME": "/nonexistent-home", "TORCH_HOME": "/nonexistent-torch"]
        #expect { try InceptionWeights.locate(explicit: nil, environment: env) } throws: { error in
            let text = "\(error)"
            return text.contains("/nonexistent-torch/hub/checkpoints/pt_inception-2015-12-05-6726825d.pth")
                && text.contains(InceptionWeights.pytorchFIDURL) && text.contains("JANUS_EVAL_INCEPTION_WEIGHTS")
        }
        let hub = FixturePaths.temporaryDirectory("torch-home")
        try FileManager.default.createDirectory(atPath: hub.path + "/hub/checkpoints", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: hub.path + "/hub/checkpoints/" + InceptionWeights.torchFidelityFile, contents: Data([0]))
        #expect(try InceptionWeights.locate(explicit: nil, environment: ["TORCH_HOME": hub.path]).hasSuffix(InceptionWeights.torchFidelityFile))
        #expect(try InceptionWeights.locate(explicit: nil, environment: ["JANUS_EVAL_INCEPTION_WEIGHTS": Self.tinyFolder + "/inception_tiny.pth"]).hasSuffix("inception_tiny.pth"))
    }

    // MARK: full size (only with the random full-size weights on disk)

    static var fullWeights: String? {
        let path = ProcessInfo.processInfo.environment["JANUS_INCEPTION_RANDOM"] ?? "/work/ckpt/inception/pt_inception-random.pth"
        return FileManager.default.fileExists(atPath: path) && FileManager.default.fileExists(atPath: FixturePaths.path("inception/full/expected.npz")) ? path : nil
    }

    @Test func fullSizeFeaturesStatisticsAndFIDEqualPytorchFID() throws {
        guard let weights = Self.fullWeights else {
            print("SKIPPED full-size Inception parity: no random full-size weights (set JANUS_INCEPTION_RANDOM or run tools/reference/make_inception_fixtures.py)")
            return
        }
        let net = try InceptionV3(file: weights)
        #expect(net.blockWidths == InceptionV3.standardWidths)
        let expected = try NPZArchive.read(file: FixturePaths.path("inception/full/expected.npz"))
        for (block, dims) in InceptionV3.standardWidths.enumerated() {
            var stats: [GaussianStatistics] = []
            for folder in ["a", "b"] {
                let set = try Self.extractor(net, mode: .pytorchFID, block: block).features(folder: Self.images + "/" + folder)
                let rf = Self.relative(set.features.flatMap { $0.map(Double.init) }, expected["\(folder)_block\(block)"]!.doubles())
                let s = try set.statistics()
                let rm = Self.relative(s.mu, expected["\(folder)_mu_\(dims)"]!.doubles())
                // Σ's parts are compared relative to Σ's largest entry (its largest variance: |Σij| ≤ max Σii), the
                // matrix's own scale; a row of small covariances is not a scale of its own.
                let diag = (0..<dims).map { s.sigma[$0 * dims + $0] }
                let refDiag = expected["\(folder)_sigma_diag_\(dims)"]!.doubles(), scale = refDiag.max()!
                func sigmaError(_ got: [Double], _ want: [Double]) -> Double { (zip(got, want).map { abs($0 - $1) }.max() ?? 0) / scale }
                let rd = sigmaError(diag, refDiag)
                let rr = sigmaError(Array(s.sigma[0..<dims]), expected["\(folder)_sigma_row0_\(dims)"]!.doubles())
                let block32 = (0..<32).flatMap { i in (0..<32).map { s.sigma[i * dims + $0] } }
                let rb = sigmaError(block32, expected["\(folder)_sigma_block_\(dims)"]!.doubles())
                print("full \(folder) dims \(dims): features \(rf), mu \(rm), sigma (relative to max Σ) diag \(rd), row 0 \(rr), 32×32 block \(rb)")
                #expect(max(rf, rm, rd, rr, rb) <= Self.tolerance, "\(folder) dims \(dims)")
                stats.append(s)
            }
            let fid = try FrechetDistance.compute(stats[0], stats[1]).value
            let want = expected["fid_a_b_\(dims)"]!.doubles()[0]
            print("full FID(a, b) dims \(dims): ours \(fid), pytorch-fid \(want), relative \(abs(fid - want) / abs(want))")
            #expect(abs(fid - want) <= Self.tolerance * abs(want))
        }
        let clean = try Self.extractor(net, mode: .clean, block: 3).features(folder: Self.images + "/a")
        let rc = Self.relative(clean.features.flatMap { $0.map(Double.init) }, expected["a_clean_block3"]!.doubles())
        print("full clean-mode pool3 features: relative \(rc)")
        #expect(rc <= Self.tolerance)
    }
}

/// A checkpoint with one tensor dropped or one added.
struct FilteredTensors: TensorProvider {
    let base: CheckpointReader
    let drop: String?
    let extra: (String, Tensor)?
    var tensorNames: [String] { base.tensorNames.filter { $0 != drop } + (extra.map { [$0.0] } ?? []) }
    func tensor(named name: String) throws -> Tensor {
        if let extra, name == extra.0 { return extra.1 }
        return try base.tensor(named: name)
    }
    var sourceDescription: String { base.sourceDescription }
}
