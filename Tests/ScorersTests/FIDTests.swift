import Foundation
import Formats
import Scorers
import Testing
import TestSupport

/// FID against pytorch-fid and KID against torch-fidelity (tools/reference/make_fid_fixtures.py).
@Suite struct FIDTests {
    static let doc = try! JSONReader.parse(file: FixturePaths.path("fid/cases.json"))
    static func doubles(_ c: JSONCursor, _ key: String) throws -> [Double] { try c.array(key).map { try $0.asDouble() } }

    @Test func frechetDistanceEqualsPytorchFID() throws {
        for c in try Self.doc.cursor.array("frechet") {
            let a = GaussianStatistics(mu: try Self.doubles(c, "mu1"), sigma: try Self.doubles(c, "sigma1"), sampleCount: try c.int("n1"))
            let b = GaussianStatistics(mu: try Self.doubles(c, "mu2"), sigma: try Self.doubles(c, "sigma2"), sampleCount: try c.int("n2"))
            let want = try c.double("fid"), label = try c.string("label"), d = try c.int("d")
            let got = try FrechetDistance.compute(a, b)
            let relative = abs(got.value - want) / max(abs(want), 1e-12)
            print("FID \(label) d=\(d): ours \(got.value), pytorch-fid \(want), relative error \(relative)\(got.usedEpsilon ? " (eps fallback)" : "")")
            #expect(relative <= 1e-6, "\(label) d=\(d)")
            if label == "rank-deficient" { #expect(!got.warnings.isEmpty) }
        }
    }

    @Test func statisticsEqualNumpy() throws {
        let s = try Self.doc.cursor.object("statistics")
        let rows = try s.array("features").map { try $0.asArray().map { try $0.asDouble() } }
        var stats = FeatureStatistics(dimension: 6)
        try stats.add(Array(rows[0..<7]))
        try stats.add(Array(rows[7...]))      // streaming in two batches
        let mu = stats.mean, sigma = try stats.covariance()
        let wantMu = try Self.doubles(s, "mu"), wantSigma = try Self.doubles(s, "sigma")
        #expect(zip(mu, wantMu).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        #expect(zip(sigma, wantSigma).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
    }

    @Test func kidEqualsTorchFidelityOnTheSameSubsets() throws {
        let k = try Self.doc.cursor.object("kid")
        let d = try k.int("d")
        let subsets = try k.array("subsets").map { s -> (first: [Int], second: [Int]) in
            let v = try s.asArray()
            return (try v[0].asArray().map { try $0.asInt() }, try v[1].asArray().map { try $0.asInt() })
        }
        let got = try KernelInceptionDistance.compute(first: try Self.doubles(k, "features1"), second: try Self.doubles(k, "features2"),
                                                      dimension: d, subsets: subsets)
        let mean = try k.double("mean"), std = try k.double("std")
        print("KID ours \(got.mean) ± \(got.std), torch-fidelity \(mean) ± \(std)")
        #expect(abs(got.mean - mean) <= 1e-9 * max(abs(mean), 1e-9) + 1e-12)
        #expect(abs(got.std - std) <= 1e-9 * max(abs(std), 1e-9) + 1e-12)
    }

    @Test func clearErrors() throws {
        var one = FeatureStatistics(dimension: 3)
        try one.add([[1, 2, 3]])
        #expect(throws: FIDError.tooFewSamples(1)) { try one.covariance() }
        #expect(throws: FIDError.dimensionMismatch(expected: 3, found: 2)) { try one.add([[1, 2]]) }
        let a = GaussianStatistics(mu: [0, 0], sigma: [1, 0, 0, 1]), b = GaussianStatistics(mu: [0, 0, 0], sigma: [Double](repeating: 0, count: 9))
        #expect(throws: FIDError.dimensionMismatch(expected: 2, found: 3)) { try FrechetDistance.compute(a, b) }
        #expect(throws: FIDError.self) { try FrechetDistance.compute(a, GaussianStatistics(mu: [0, .nan], sigma: [1, 0, 0, 1])) }
    }

    @Test func handChecked() throws {
        // Identical Gaussians: 0. Means 3 apart with identity covariances: 9.
        let i = GaussianStatistics(mu: [0, 0], sigma: [1, 0, 0, 1])
        #expect(abs(try FrechetDistance.compute(i, i).value) < 1e-12)
        #expect(abs(try FrechetDistance.compute(i, GaussianStatistics(mu: [3, 0], sigma: [1, 0, 0, 1])).value - 9) < 1e-12)
        // Σ1 = I, Σ2 = 4I in 2-D: tr = 2 + 8 − 2·tr(2I) = 2.
        #expect(abs(try FrechetDistance.compute(i, GaussianStatistics(mu: [0, 0], sigma: [4, 0, 0, 4])).value - 2) < 1e-12)
    }
}

/// A sigma that is not a covariance is refused, not turned into a number.
@Suite struct FIDCovarianceTests {
    @Test func nonCovariancesAreRefused() throws {
        let identity = GaussianStatistics(mu: [0, 0], sigma: [1, 0, 0, 1])
        let cases: [([Double], String)] = [([-1, 0, 0, -1], "negative"), ([1, 0.5, 0, 1], "not symmetric"), ([1, 2, 2, 1], "eigenvalue")]
        for (sigma, why) in cases {
            let error = #expect(throws: FIDError.self) { _ = try FrechetDistance.compute(identity, GaussianStatistics(mu: [0, 0], sigma: sigma)) }
            #expect(try #require(error).description.contains(why), "\(sigma)")
        }
        #expect(try FrechetDistance.compute(identity, identity).value == 0)
    }
}
