import Tensors
import Testing
import TestSupport

/// Cross-prompt batching's product rule (issue 15): with `rowGroups`, every row of a batch equals, bit for bit, the
/// same row multiplied with its own group alone — on every kernel a group can take (f32 activations: the split
/// kernel at each SIMD level; bf16: dot products, AMX tiles where the CPU has them; anything else group by group).
@Suite(.serialized) struct LinearRowGroupsTests {
    static func bf16Weight(_ values: [Float], _ n: Int, _ k: Int) -> Tensor {
        let weight = Tensor(zeros: [n, k], dtype: .bf16)
        values.map { HalfPrecision.bf16Bits(from: $0) }.withUnsafeBytes { weight.rawPointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return weight
    }

    /// Groups as a batch of prompts makes them (2 rows per image), and mixed sizes.
    static let groupings: [[Int]] = [[8, 8, 8, 8, 8, 8, 8, 8], [2, 2, 2], [4, 8, 2, 6], [16, 16, 16], [10, 2], [1, 3, 1],
                                        [8, 8, 8, 6, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 2]]

    /// K = 1000 leaves a tail after the last 32-wide step; n = 203 is not a multiple of the 64-row blocks, of the
    /// kernels' 4- and 16-row groups nor of the threads' split.
    @Test(arguments: [2048, 5632, 1000])
    func everyGroupEqualsItsProductAloneBitForBit(k: Int) {
        var rng = TestRandom(seed: 15)
        let n = 203
        let weight = Self.bf16Weight(rng.floats(n * k), n, k)
        let bias = Tensor(shape: [n], floats: rng.floats(n))
        var paths: Set<String> = []
        for groups in Self.groupings {
            let m = groups.reduce(0, +)
            let x = rng.floats(m * k)
            for activations in [ActivationPrecision.f32, .bf16] {
                for level in KernelDispatch.availableLevels {
                    KernelDispatch.withForcedLevel(level) {
                        for withBias in [false, true] {
                            let b = withBias ? bias : nil
                            let batched = Linear.apply(Tensor(shape: [m, k], floats: x), weight: weight, bias: b, activations: activations,
                                                       rowGroups: groups).toFloats()
                            var start = 0
                            for g in groups {
                                let alone = Linear.apply(Tensor(shape: [g, k], floats: Array(x[(start * k)..<((start + g) * k)])), weight: weight,
                                                         bias: b, activations: activations).toFloats()
                                let differing = zip(alone, batched[(start * n)..<((start + g) * n)]).filter { $0.bitPattern != $1.bitPattern }.count
                                #expect(differing == 0, "K \(k) groups \(groups) \(activations) level \(level): group at row \(start) has \(differing) differing outputs")
                                start += g
                            }
                        }
                        paths.insert("\(activations) level \(level): " + Linear.groupPathName(groups, k: k, weight: weight, activations: activations))
                    }
                }
            }
        }
        print("K \(k) grouped product paths exercised: \(paths.sorted().joined(separator: "; "))")
        #expect(paths.contains { $0.hasSuffix("split") } || KernelDispatch.level < 2)
    }

    @Test func applyManyWithGroupsEqualsApplyPerWeightAndEachGroupAlone() {
        var rng = TestRandom(seed: 151)
        let k = 256, groups = [4, 4, 2]
        let weights = [Self.bf16Weight(rng.floats(96 * k), 96, k), Self.bf16Weight(rng.floats(64 * k), 64, k)]
        let x = Tensor(shape: [10, k], floats: rng.floats(10 * k))
        for activations in [ActivationPrecision.f32, .bf16] {
            let many = Linear.applyMany(x, weights: weights, activations: activations, rowGroups: groups)
            for (w, out) in zip(weights, many) {
                #expect(out.toFloats().map(\.bitPattern)
                        == Linear.apply(x, weight: w, activations: activations, rowGroups: groups).toFloats().map(\.bitPattern))
            }
            // And each group as it runs alone (q / k / v of one prompt's rows).
            var start = 0
            for g in groups {
                let part = Tensor(shape: [g, k], floats: Array(x.toFloats()[(start * k)..<((start + g) * k)]))
                for (w, (alone, out)) in zip(weights, zip(Linear.applyMany(part, weights: weights, activations: activations), many)) {
                    let n = w.shape[0]
                    #expect(alone.toFloats().map(\.bitPattern) == Array(out.toFloats()[(start * n)..<((start + g) * n)]).map(\.bitPattern),
                            "\(activations) group at row \(start)")
                }
                start += g
            }
        }
    }
}
