import ArgumentParser
import Formats
import Foundation
import Scorers

struct FidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fid",
        abstract: "Fréchet Inception Distance between two statistics files or image sets.",
        discussion: """
            Each input is a pytorch-fid compatible .npz holding `mu` (d) and `sigma` (d × d) in float64. When both
            files also hold raw features as `features` (n × d), KID is computed too (torch-fidelity's protocol:
            polynomial kernel (x·y/d + 1)³, 100 seeded subsets of min(1000, n) rows). Image folders as inputs
            arrive with the Inception scorer (fid-stats) in a later step.

            Examples:
              janus-eval fid generated.npz reference.npz
              janus-eval fid generated.npz reference.npz --json
            """)

    @Argument(help: "Statistics of the first set (.npz).")
    var first: String

    @Argument(help: "Statistics of the second set (.npz).")
    var second: String

    @Flag(help: "Print {\"fid\": …, \"dims\": …[, \"kid\": {\"mean\", \"std\"}]}.")
    var json = false

    @Option(help: "Seed for the KID subsets.")
    var seed: UInt64 = 2020

    func run() throws {
        do {
            let fileA = try StatisticsFile(path: first), fileB = try StatisticsFile(path: second)
            let (a, featuresA, b, featuresB) = (fileA.statistics, fileA.features, fileB.statistics, fileB.features)
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
