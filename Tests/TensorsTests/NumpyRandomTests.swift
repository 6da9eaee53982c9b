import Foundation
import Formats
import Tensors
import Testing
import TestSupport

/// NumpyRandom reproduces numpy 2.4's default_rng draws exactly (fixture made by numpy itself).
@Suite struct NumpyRandomTests {
    static let cases: [JSONCursor] = try! JSONReader.parse(file: FixturePaths.path("random/numpy_draws.json")).cursor.array("cases")

    @Test(arguments: 0..<6)
    func matchesNumpy(index: Int) throws {
        let c = Self.cases[index]
        let seed = UInt64(try c.string("seed"))!
        var g = NumpyRandom(seed: seed)
        #expect(try c.array("raw64").map { UInt64(try $0.asString())! } == (0..<6).map { _ in g.next() }, "seed \(seed) raw")
        g = NumpyRandom(seed: seed)
        #expect(try c.array("random").map { try $0.asDouble() } == (0..<4).map { _ in g.random() }, "seed \(seed) random")
        for item in try c.array("integers") {
            let v = try item.asArray()
            let got = g.integers(try v[0].asInt(), try v[1].asInt(), endpoint: try v[2].asBool())
            #expect(got == (try v[3].asInt()), "seed \(seed) integers \(v.map(\.value))")
        }
        for (n, want) in zip([80, 79, 10, 4, 1, 100000], try c.array("choice_scalar")) {
            #expect(g.choice(n) == (try want.asInt()), "seed \(seed) choice(\(n))")
        }
        for item in try c.array("choice_noreplace") {
            let v = try item.asArray()
            let (n, k) = (try v[0].asInt(), try v[1].asInt())
            #expect(g.choice(n, size: k, replace: false) == (try v[2].asArray().map { try $0.asInt() }), "seed \(seed) choice(\(n), \(k))")
        }
        var sequence: [[Int]] = []
        for _ in 0..<5 {
            sequence.append(g.choice(80, size: 2, replace: false))
            sequence.append([g.choice(80), g.integers(2, 4, endpoint: true)])
            sequence.append([g.choice(79) + 1, g.choice(10)])
        }
        #expect(sequence == (try c.array("sequence").map { try $0.asArray().map { try $0.asInt() } }), "seed \(seed) sequence")
    }
}
