import Foundation
import Formats
import Scorers
import Tensors

/// `janus-eval run fid --images DIR --reference DIR|FILE.npz`: Inception features of the images (items: their paths
/// relative to the folder), the reference's statistics (its images' features, or a pytorch-fid .npz), FID and —
/// when both sides have features — KID, written as a run folder: report.json (schema janus-eval.report/1; metrics
/// `fid` and `kid`, both lower-is-better, raw values, no per-item pairing so no ci95), run.json and
/// `features.npz` (the images' mu, sigma and features, reusable as a reference).
public enum FIDRun {
    public struct Request: Sendable {
        public var images: String
        public var reference: String
        public var out: String?
        public var reportsRoot = "reports"
        public var weights: String?
        public var mode: FIDPreprocessing = .pytorchFID
        public var dims = 2048
        public var batchSize = 16
        public var cacheRoot: String? = FeatureCache.defaultRoot()
        public var kidSeed: UInt64 = 2020
        public var commandLine: [String] = []

        public init(images: String, reference: String) { self.images = images; self.reference = reference }
    }

    public struct Outcome: Sendable {
        public var folder: String
        public var reportPath: String
        public var fid: Double
        public var kid: KernelInceptionDistance.Result?
        public var images: Int
        public var referenceCount: Int?
        public var warnings: [String]
    }

    public static let ruleSetReference = [
        FIDPreprocessing.pytorchFID: "mseitzer/pytorch-fid 0.3.0 (b9c1811): InceptionV3 FID blocks, bilinear resize to 299 without antialias, 2x - 1, np.cov; Fréchet distance by the symmetric eigen route",
        .clean: "GaParmar/clean-fid e88c4d6 mode=clean: Pillow bicubic on float32 to 299, clip, (x - 128) / 128; the same FID Inception blocks",
    ]

    public static func run(_ request: Request, progress: (String, InceptionFeatureExtractor.Progress) -> Void = { _, _ in }) throws -> Outcome {
        let start = Date()
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: request.images, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw HarnessError.usage("run fid --images \(request.images): no such folder")
        }
        guard fm.fileExists(atPath: request.reference, isDirectory: &isDirectory) else {
            throw HarnessError.usage("run fid --reference \(request.reference): no such folder or .npz file")
        }
        let referenceIsFolder = isDirectory.boolValue
        let weightsFile = try InceptionWeights.locate(explicit: request.weights)
        let weightsDigest = try FileDigestCache.sha256(file: weightsFile)
        let network = try InceptionV3(file: weightsFile)
        let extractor = InceptionFeatureExtractor(network: network, weightsDigest: weightsDigest, mode: request.mode,
                                                  block: try network.block(forDims: request.dims), batchSize: request.batchSize,
                                                  cacheRoot: request.cacheRoot)
        let ids = try ImageFolderListing.images(in: request.images, mode: request.mode)

        var harness = JSONObject([("version", .string(HarnessVersion.string))])
        harness["commit"] = HarnessVersion.commit.map(JSONValue.string) ?? .null
        let ruleSet = JSONObject([
            ("id", .string("fid-\(request.mode.rawValue)-1")), ("reference", .string(ruleSetReference[request.mode]!)),
            ("settings", .object(JSONObject([("dims", .int(Int64(request.dims))), ("fid_mode", .string(request.mode.rawValue)),
                                             ("covariance", .string("unbiased (n - 1), float64")),
                                             ("kid", .object(JSONObject([("subsets", .int(100)), ("subset_size", .string("min(1000, n1, n2)")),
                                                                         ("seed", .int(Int64(request.kidSeed))), ("kernel", .string("(x·y/d + 1)^3"))])))])))])
        let referenceDigest = referenceIsFolder ? JSONValue.null : .string(try SHA256.hexDigest(file: request.reference))
        let configuration = RunConfiguration(json: JSONObject([
            ("schema", .string("janus-eval.run/1")), ("harness", .object(harness)), ("suite", .string("fid")),
            ("rule_set", .object(ruleSet)),
            ("data", .object(JSONObject([("reference", .string(request.reference)), ("reference_kind", .string(referenceIsFolder ? "images" : "statistics")),
                                         ("reference_sha256", referenceDigest)]))),
            ("source", .object(JSONObject([("kind", .string("images")), ("folder", .string(request.images)),
                                           ("inception_weights_sha256", .string(weightsDigest))]))),
            ("seed", .int(Int64(request.kidSeed))), ("settings", .object(JSONObject())), ("limit", .null),
            ("items", .object(JSONObject([("count", .int(Int64(ids.count))), ("sha256", .string(SHA256.hexDigest(ids.joined(separator: "\n"))))]))),
        ]))
        let name = URL(fileURLWithPath: request.images).standardizedFileURL.lastPathComponent
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        let folder = request.out ?? request.reportsRoot + "/fid-" + safe + "-" + configuration.digest.prefix(8)

        let generated = try extractor.features(files: ids.map { request.images + "/" + $0 }, ids: ids) { progress("images", $0) }
        let generatedStats = try generated.statistics()
        var referenceStats: GaussianStatistics, referenceFeatures: [Double]?, referenceCount: Int?
        if referenceIsFolder {
            let set = try extractor.features(folder: request.reference) { progress("reference", $0) }
            referenceStats = try set.statistics()
            referenceFeatures = set.features.flatMap { $0.map(Double.init) }
            referenceCount = set.features.count
        } else {
            let file = try StatisticsFile(path: request.reference)
            referenceStats = file.statistics; referenceFeatures = file.features; referenceCount = file.statistics.sampleCount
        }
        guard referenceStats.dimension == request.dims else {
            throw HarnessError.usage("run fid: \(request.reference) holds \(referenceStats.dimension)-d statistics but --dims is \(request.dims)")
        }
        let fid = try FrechetDistance.compute(generatedStats, referenceStats)
        var kid: KernelInceptionDistance.Result?
        if let referenceFeatures, generated.features.count >= 2, referenceFeatures.count >= 2 * request.dims {
            kid = try KernelInceptionDistance.compute(first: generated.features.flatMap { $0.map(Double.init) }, second: referenceFeatures,
                                                      dimension: request.dims, seed: request.kidSeed)
        }

        do { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw HarnessError.output(path: folder, reason: "cannot create the run folder (\(error.localizedDescription))")
        }
        try StatisticsFile.write(generatedStats, features: generated.features, to: folder + "/features.npz")
        var metrics = JSONObject()
        metrics["fid"] = .object(JSONObject([("value", .double(fid.value)), ("ci95", .null), ("n", .int(Int64(ids.count))),
                                             ("higher_is_better", .bool(false))]))
        if let kid {
            metrics["kid"] = .object(JSONObject([("value", .double(kid.mean)), ("std", .double(kid.std)), ("ci95", .null),
                                                 ("n", .int(Int64(ids.count))), ("higher_is_better", .bool(false)),
                                                 ("subsets", .int(Int64(kid.subsets))), ("subset_size", .int(Int64(kid.subsetSize)))]))
        }
        let environment = JSONObject([("command", .array(request.commandLine.map { .string($0) })),
                                      ("host", .string(ProcessInfo.processInfo.hostName)), ("cpu", .string(MachineInfo.cpuModel)),
                                      ("threads", .int(Int64(Parallel.threadCount))), ("inception_weights", .string(weightsFile)),
                                      ("feature_cache", request.cacheRoot.map { .string($0) } ?? .null)])
        let timings = JSONObject([("start", .string(ISO8601DateFormatter().string(from: start))),
                                  ("end", .string(ISO8601DateFormatter().string(from: Date()))),
                                  ("images_s", .double(generated.seconds)), ("features_from_cache", .int(Int64(generated.fromCache)))])
        let warnings = fid.warnings
        let items: [JSONValue] = ids.enumerated().map { i, id in
            .object(JSONObject([("position", .int(Int64(i))), ("id", .string(id)), ("group", .string(id)), ("correct", .null),
                                ("reason", .string("features computed")), ("fields", .object(JSONObject()))]))
        }
        let run = JSONObject([("configuration", .object(configuration.json)), ("config_digest", .string(configuration.digest)),
                              ("timings", .object(timings)), ("environment", .object(environment))])
        var summary = JSONObject([("items", .int(Int64(ids.count))), ("scored", .int(Int64(ids.count))), ("failed", .int(0)), ("correct", .int(0))])
        summary["reference_count"] = referenceCount.map { .int(Int64($0)) } ?? .null
        summary["warnings"] = .array(warnings.map { .string($0) })
        if fid.usedEpsilon { summary["eps_fallback"] = .bool(true) }
        let report = JSONObject([("schema", .string(RunReport.schema)), ("run", .object(run)), ("summary", .object(summary)),
                                 ("metrics", .object(metrics)), ("items", .array(items))])
        let reportPath = folder + "/report.json"
        for (path, value) in [(reportPath, report), (folder + "/run.json", run)] {
            do { try Data((JSONWriter(style: .indented).string(.object(value)) + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw HarnessError.output(path: path, reason: "cannot write (\(error.localizedDescription))")
            }
        }
        return Outcome(folder: folder, reportPath: reportPath, fid: fid.value, kid: kid, images: ids.count,
                       referenceCount: referenceCount, warnings: warnings)
    }
}
