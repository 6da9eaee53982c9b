import ArgumentParser
import Formats
import Foundation
import Scorers

struct FidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fid",
        abstract: "Fréchet Inception Distance between two statistics files or image sets.",
        discussion: """
            Each input is an image folder or a pytorch-fid compatible .npz holding `mu` (d) and `sigma` (d × d) in
            float64 (`janus-eval fid-stats`, `python -m pytorch_fid --save-stats`). A folder's images go through the
            Inception-v3 FID network (see `fid-stats --help` for which files are read, the weights and the cache).
            When both sides have features (folders, or .npz files holding `features` (n × d)), KID is computed too
            (torch-fidelity's protocol: polynomial kernel (x·y/d + 1)³, 100 seeded subsets of min(1000, n) rows).

            Examples:
              janus-eval fid generated/ reference/
              janus-eval fid generated/ reference.npz --dims 2048 --json
              janus-eval fid generated.npz reference.npz
            """)

    @Argument(help: "The first set: an image folder or statistics (.npz).")
    var first: String

    @Argument(help: "The second set: an image folder or statistics (.npz).")
    var second: String

    @OptionGroup var inception: InceptionOptions

    @Flag(help: "Print {\"fid\": …, \"dims\": …[, \"kid\": {\"mean\", \"std\"}]}.")
    var json = false

    @Option(help: "Seed for the KID subsets.")
    var seed: UInt64 = 2020

    func run() throws {
        do {
            var extractor: InceptionFeatureExtractor?
            func side(_ path: String) throws -> (GaussianStatistics, [Double]?) {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                    let file = try StatisticsFile(path: path)
                    return (file.statistics, file.features)
                }
                if extractor == nil { extractor = try inception.extractor() }
                var progress = FeatureProgressLine(label: "fid \(path)")
                let set = try extractor!.features(folder: path) { progress.update($0) }
                return (try set.statistics(), set.features.flatMap { $0.map(Double.init) })
            }
            let (a, featuresA) = try side(first), (b, featuresB) = try side(second)
            let fid = try FrechetDistance.compute(a, b)
            var kid: KernelInceptionDistance.Result?
            if let featuresA, let featuresB {
                kid = try KernelInceptionDistance.compute(first: featuresA, second: featuresB, dimension: a.dimension, seed: seed)
            }
            for warning in fid.warnings { FileStandardError.write("warning: \(warning)\n") }
            if json {
                var fields: [(String, JSONValue)] = [("fid", .double(fid.value)), ("dims", .int(Int64(a.dimension)))]
                if let kid {
                    fields.append(("kid", .object(JSONObject([("mean", .double(kid.mean)), ("std", .double(kid.std)),
                                                             ("subsets", .int(Int64(kid.subsets))), ("subset_size", .int(Int64(kid.subsetSize)))]))))
                }
                if fid.usedEpsilon { fields.append(("eps_fallback", .bool(true))) }
                if let extractor {
                    fields.append(("fid_mode", .string(extractor.mode.rawValue)))
                    fields.append(("inception_weights_sha256", .string(extractor.weightsDigest)))
                }
                print(JSONWriter(style: .pythonDumps).string(.object(JSONObject(fields))))
            } else {
                print("FID: \(fid.value)")
                if let kid { print("KID: \(kid.mean) ± \(kid.std) (\(kid.subsets) subsets of \(kid.subsetSize))") }
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            FileStandardError.write("janus-eval fid: \(error)\n")
            throw ExitCode(1)
        }
    }
}
