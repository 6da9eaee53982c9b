import Testing
import Tensors

/// The activation arena (Sources/Tensors/TensorArena.swift): a freed tensor's block serves the next request it fits
/// (best fit, wasting at most the request's size), live tensors never share a block, and the arena owns no more
/// than the peak of its live blocks when the same sequence of shapes repeats.
@Suite struct TensorArenaTests {
    @Test func blocksComeBackAndAreReusedWithoutSharing() {
        let arena = TensorArena()
        var a: Tensor? = arena.tensor([4, 1000])
        let first = a!.rawPointer
        a!.withMutableFloats { $0.initialize(repeating: 1) }
        let b = arena.tensor([4, 1000])
        #expect(b.rawPointer != first, "a live tensor's block was lent twice")
        a = nil
        let c = arena.tensor([3, 1000])   // fits the freed block (3000 ≤ 4000 ≤ 2 · 3000)
        #expect(c.rawPointer == first)
        let d = arena.tensor([1, 100])    // the only free block would waste more than the request: a new one
        #expect(d.rawPointer != first && d.rawPointer != b.rawPointer)
        #expect(c.shape == [3, 1000] && c.count == 3000)
        #expect(arena.ownedBytes == (4000 + 4000 + 100) * 4)
    }

    @Test func repeatingTheSameShapesOwnsNoMoreAfterTheFirstRound() {
        let arena = TensorArena()
        let shapes: [[Int]] = [[32, 16, 149, 149], [32, 16, 147, 147], [64, 16, 147, 147], [64, 16, 73, 73], [80, 16, 73, 73]]
        func round() {
            var previous: Tensor? = nil
            for s in shapes {
                let t = arena.tensor(s)   // the previous layer's output is still alive while the next one is made
                previous = t
            }
            _ = previous
        }
        round()
        let owned = arena.ownedBytes
        for _ in 0..<3 { round() }
        #expect(arena.ownedBytes == owned)
    }

    @Test func channelMajorOutputsComeFromTheCurrentArena() {
        let arena = TensorArena()
        let x = Tensor(shape: [2, 1, 4, 4], floats: (0..<32).map(Float.init))
        let pooled = TensorArena.$current.withValue(arena) { ChannelMajor.maxPool(x, kernel: 3, stride: 1, padding: 1) }
        #expect(arena.ownedBytes == 32 * 4)
        #expect(pooled.toFloats() == ChannelMajor.maxPool(x, kernel: 3, stride: 1, padding: 1).toFloats())
        #expect(arena.ownedBytes == 32 * 4, "outside withValue the arena is not used")
    }
}

/// The process-wide cache of large blocks (Sources/Tensors/TensorStorage.swift) and the in-place operations that keep
/// a decoder's blocks few: best fit as the arena's, and an in-place sum equal to the fresh one bit for bit.
@Suite struct LargeBlockReuseTests {
    @Test func bestFitTakesTheSmallestBlockThatHoldsTheRequestWithoutDoublingIt() {
        let mb = 1 << 20
        #expect(LargeBlocks.bestFit([80 * mb, 40 * mb, 76 * mb], for: 38 * mb) == 1)
        #expect(LargeBlocks.bestFit([80 * mb, 76 * mb], for: 38 * mb) == 1, "76 MB holds 38 MB wasting no more than 38")
        #expect(LargeBlocks.bestFit([80 * mb], for: 38 * mb) == nil, "80 MB would waste more than the request")
        #expect(LargeBlocks.bestFit([37 * mb], for: 38 * mb) == nil)
        #expect(LargeBlocks.bestFit([50 * mb, 40 * mb, 40 * mb], for: 40 * mb) == 2, "of equal blocks the last freed")
        #expect(LargeBlocks.bestFit([], for: 8 * mb) == nil)
    }

    @Test func aFreedLargeBlockServesASmallerTensorWithoutAFreshAllocation() {
        // 23 MB then 17 MB: sizes no other test uses, so a parallel test cannot take the block in between.
        var big: Tensor? = Tensor(uninitialized: [23 * (1 << 18)])
        let block = big!.rawPointer
        big = nil
        let fresh = TensorStorage.freshLargeBlockBytes
        let smaller = Tensor(uninitialized: [17 * (1 << 18)])
        #expect(smaller.rawPointer == block)
        #expect(TensorStorage.freshLargeBlockBytes == fresh)
        #expect(smaller.storage.byteCount == 17 << 20)
        let zeroed = Tensor(zeros: [23 * (1 << 18) - 5])   // whatever block it gets, it reads as zeros
        #expect(zeroed.toFloats().allSatisfy { $0 == 0 })
    }

    @Test func addInPlaceEqualsTheFreshSum() {
        var rng = NumpyRandom(seed: 11)
        let values = (0..<(3 * 64 * 9 * 7 + 5)).map { _ in Float(rng.random() * 6 - 2.5) }
        let y = Tensor(shape: [values.count], floats: values.reversed())
        Activations.add(Tensor(shape: [values.count], floats: values), into: y)
        #expect(y.toFloats() == zip(values, values.reversed()).map { $0 + $1 })
    }
}
