import Foundation
import Formats
import Scorers
import Testing
import TestSupport

/// `fid-stats`, `fid` on folders and `run fid` with the reduced-width Inception fixture (its pool3 block is 128-d),
/// checked against pytorch-fid's numbers for the same weights and images (Tests/Fixtures/inception, made by
/// tools/reference/make_inception_fixtures.py).
@Suite struct FidStatsCommandTests {
    static let weights = FixturePaths.path("inception/tiny/inception_tiny.pth")
    static let images = FixturePaths.path("inception/images")
    static let expected = try! NPZArchive.read(file: FixturePaths.path("inception/tiny/expected.npz"))

    static func environment(_ dir: URL) -> [String: String] {
        ["HOME": dir.path, "JANUS_EVAL_CACHE_DIR": dir.appendingPathComponent("cache").path, "TORCH_HOME": dir.appendingPathComponent("torch").path]
    }

    static func relative(_ got: [Double], _ want: [Double]) -> Double {
        let scale = want.map(abs).max() ?? 1
        return (zip(got, want).map { abs($0 - $1) }.max() ?? 0) / scale
    }

    @Test func fidStatsWritesPytorchFIDStatistics() throws {
        let dir = FixturePaths.temporaryDirectory("fid-stats")
        let out = dir.appendingPathComponent("a.npz").path
        let r = try CLIRunner.run(["fid-stats", Self.images + "/a", "-o", out, "--dims", "128", "--inception-weights", Self.weights, "--features"],
                                  environment: Self.environment(dir))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("8 images, dims 128, fid-mode pytorch-fid"))
        #expect(r.stderr.contains("images/s"))
        let arrays = try NPZArchive.read(file: out)
        #expect(arrays["mu"]?.elementType == .f8 && arrays["sigma"]?.shape == [128, 128] && arrays["features"]?.shape == [8, 128])
        #expect(Self.relative(arrays["mu"]!.doubles(), Self.expected["a_mu"]!.doubles()) <= 1e-4)
        #expect(Self.relative(arrays["sigma"]!.doubles(), Self.expected["a_sigma"]!.doubles()) <= 1e-4)
        // A second run reads every feature from the cache.
        let again = try CLIRunner.run(["fid-stats", Self.images + "/a", "-o", out, "--dims", "128", "--inception-weights", Self.weights],
                                      environment: Self.environment(dir))
        #expect(again.status == 0 && again.stdout.contains("8 features from the cache"), "\(again.stdout)")
        // Its progress line gives no rate: none was computed (it used to say "0.00 images/s").
        #expect(again.stderr.contains("8/8 images (all from the cache)") && !again.stderr.contains("images/s"), "\(again.stderr)")
    }

    @Test func fidBetweenFoldersAndStatistics() throws {
        let dir = FixturePaths.temporaryDirectory("fid-folders")
        let want = Self.expected["fid_a_b"]!.doubles()[0]
        let r = try CLIRunner.run(["fid", Self.images + "/a", Self.images + "/b", "--dims", "128", "--inception-weights", Self.weights, "--json", "--no-cache"],
                                  environment: Self.environment(dir))
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let fid = try #require(object["fid"] as? Double)
        print("fid a b (tiny): ours \(fid), pytorch-fid \(want)")
        #expect(abs(fid - want) <= 1e-4 * want)
        #expect(object["fid_mode"] as? String == "pytorch-fid" && object["kid"] != nil)
        // A folder against a statistics file gives the same number.
        let stats = dir.appendingPathComponent("b.npz").path
        #expect(try CLIRunner.run(["fid-stats", Self.images + "/b", "-o", stats, "--dims", "128", "--inception-weights", Self.weights],
                                  environment: Self.environment(dir)).status == 0)
        let mixed = try CLIRunner.run(["fid", Self.images + "/a", stats, "--dims", "128", "--inception-weights", Self.weights],
                                      environment: Self.environment(dir))
        #expect(mixed.status == 0, "\(mixed.stderr)")
        let value = Double(mixed.stdout.split(separator: "\n")[0].dropFirst(5).trimmingCharacters(in: .whitespaces)) ?? .nan
        #expect(abs(value - want) <= 1e-4 * want)
    }

    @Test func missingWeightsAndBadDims() throws {
        let dir = FixturePaths.temporaryDirectory("fid-noweights")
        let r = try CLIRunner.run(["fid-stats", Self.images + "/a", "-o", dir.appendingPathComponent("x.npz").path], environment: Self.environment(dir))
        #expect(r.status == 1 && r.stderr.contains(InceptionWeights.pytorchFIDURL) && r.stderr.contains("hub/checkpoints"), "\(r.stderr)")
        let dims = try CLIRunner.run(["fid-stats", Self.images + "/a", "-o", dir.appendingPathComponent("x.npz").path, "--inception-weights", Self.weights],
                                     environment: Self.environment(dir))
        #expect(dims.status == 1 && dims.stderr.contains("--dims 2048 is not a block width") && dims.stderr.contains("4, 12, 48, 128"), "\(dims.stderr)")
        let mode = try CLIRunner.run(["fid-stats", Self.images + "/a", "-o", "x.npz", "--fid-mode", "tf"], environment: Self.environment(dir))
        #expect(mode.status != 0 && mode.stderr.contains("pytorch-fid or clean"))
    }

    @Test func runFIDWritesAReport() throws {
        let dir = FixturePaths.temporaryDirectory("run-fid")
        let out = dir.appendingPathComponent("run").path
        let r = try CLIRunner.run(["run", "fid", "--images", Self.images + "/a", "--reference", Self.images + "/b", "--dims", "128",
                                   "--inception-weights", Self.weights, "--out", out], environment: Self.environment(dir))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("fid: "))
        let report = try JSONReader.parse(file: out + "/report.json").cursor
        #expect(try report.string("schema") == "janus-eval.report/1")
        let fid = try report.field("metrics").field("fid")
        let want = Self.expected["fid_a_b"]!.doubles()[0]
        #expect(abs(try fid.double("value") - want) <= 1e-4 * want)
        #expect(try fid.bool("higher_is_better") == false && fid.int("n") == 8)
        #expect(try report.field("run").field("configuration").string("suite") == "fid")
        #expect(try report.array("items").map { try $0.string("id") }.first == "a01_rgb_64x64.png")
        #expect(FileManager.default.fileExists(atPath: out + "/features.npz"))
        let missing = try CLIRunner.run(["run", "fid", "--images", Self.images + "/a"], environment: Self.environment(dir))
        #expect(missing.status == 2 && missing.stderr.contains("--reference"))
    }
}
