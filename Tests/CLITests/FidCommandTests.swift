import Foundation
import Formats
import Scorers
import Testing
import TestSupport

@Suite struct FidCommandTests {
    /// Writes stats (and features) as pytorch-fid .npz files.
    private func write(_ name: String, features: [[Double]], includeFeatures: Bool) throws -> String {
        let n = Double(features.count), d = features[0].count
        let mu = (0..<d).map { j in features.map { $0[j] }.reduce(0, +) / n }
        var sigma = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d {
            sigma[i * d + j] = features.map { ($0[i] - mu[i]) * ($0[j] - mu[j]) }.reduce(0, +) / (n - 1)
        } }
        var arrays: [(name: String, array: NPYArray)] = [("mu", NPYArray(doubles: mu, shape: [d])), ("sigma", NPYArray(doubles: sigma, shape: [d, d]))]
        if includeFeatures { arrays.append(("features", NPYArray(doubles: features.flatMap { $0 }, shape: [features.count, d]))) }
        let path = FixturePaths.temporaryDirectory().appendingPathComponent(name).path
        try NPZArchive.write(arrays, to: path)
        return path
    }

    @Test func printsFIDAndKIDAsJSON() throws {
        var rng = TestRandom(seed: 5)
        let a = (0..<40).map { _ in (0..<4).map { _ in Double(rng.uniform()) } }
        let b = (0..<30).map { _ in (0..<4).map { _ in Double(rng.uniform()) + 0.5 } }
        let r = try CLIRunner.run(["fid", try write("a.npz", features: a, includeFeatures: true), try write("b.npz", features: b, includeFeatures: true), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["dims"] as? Int == 4)
        let fid = try #require(object["fid"] as? Double)
        // The command reports what the library computes from the same files.
        func stats(_ f: [[Double]]) throws -> GaussianStatistics {
            var s = FeatureStatistics(dimension: 4); try s.add(f); return try s.gaussian()
        }
        let direct = try FrechetDistance.compute(try stats(a), try stats(b)).value
        #expect(abs(fid - direct) <= 1e-9 * direct)
        let kid = try #require(object["kid"] as? [String: Any])
        #expect(kid["subsets"] as? Int == 100 && kid["subset_size"] as? Int == 30)
        let same = try CLIRunner.run(["fid", try write("c.npz", features: a, includeFeatures: false), try write("d.npz", features: a, includeFeatures: false)])
        #expect(same.status == 0 && same.stdout.hasPrefix("FID: ") && abs(Double(same.stdout.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))!) < 1e-9)
    }

    @Test func errorsExitOne() throws {
        var rng = TestRandom(seed: 6)
        let a = try write("a.npz", features: (0..<10).map { _ in (0..<3).map { _ in Double(rng.uniform()) } }, includeFeatures: false)
        let b = try write("b.npz", features: (0..<10).map { _ in (0..<4).map { _ in Double(rng.uniform()) } }, includeFeatures: false)
        let mismatch = try CLIRunner.run(["fid", a, b])
        #expect(mismatch.status == 1 && mismatch.stderr.contains("feature dimensions differ: 3 vs 4"))
        let missing = try CLIRunner.run(["fid", a, "/nonexistent/x.npz"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/x.npz"))
        let onlyMu = FixturePaths.temporaryDirectory().appendingPathComponent("m.npz").path
        try NPZArchive.write([("mu", NPYArray(doubles: [1, 2], shape: [2]))], to: onlyMu)
        let noSigma = try CLIRunner.run(["fid", onlyMu, a])
        #expect(noSigma.status == 1 && noSigma.stderr.contains("expected arrays 'mu' and 'sigma'"))
    }
}
