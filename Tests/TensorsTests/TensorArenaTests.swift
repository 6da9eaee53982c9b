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
        #expect(LargeBlocks.bestFit([80 * mb, 90 * mb], for: 38 * mb, wasting: .max) == 0, "any waste allowed")
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

    @Test func cachedPagesOfOtherSizesMakeUpABlockNoneFits() {
        let mb = 1 << 20
        let cache = LargeBlocks(cacheLimit: 64 * mb)
        let a = cache.allocate(6 * mb), b = cache.allocate(10 * mb)
        #expect(cache.freshBytes == 16 * mb)
        a.initializeMemory(as: UInt8.self, repeating: 0xA1, count: 6 * mb)
        b.initializeMemory(as: UInt8.self, repeating: 0xB2, count: 10 * mb)
        cache.release(a, size: 6 * mb)
        cache.release(b, size: 10 * mb)
        // 14 MB: neither block holds it, so b's pages (freed last) and the first 4 MB of a's are moved under one
        // new mapping; nothing fresh, and the pages keep what was written to them.
        let (c, size) = cache.take(14 * mb)!
        #expect(size == 14 * mb && cache.freshBytes == 16 * mb)
        let bytes = c.assumingMemoryBound(to: UInt8.self)
        #expect((0..<(10 * mb)).allSatisfy { bytes[$0] == 0xB2 })
        #expect(((10 * mb)..<(14 * mb)).allSatisfy { bytes[$0] == 0xA1 })
        // What is left of a (2 MB) serves a 1.5-granule request whole; a larger one gets it plus fresh pages.
        let (d, dSize) = cache.take(9 * mb / 2)!
        #expect(dSize == 6 * mb && cache.freshBytes == 16 * mb + 4 * mb, "2 MB moved, 4 MB fresh")
        #expect(d.assumingMemoryBound(to: UInt8.self)[0] == 0xA1)
        #expect(cache.take(5 * mb) == nil, "an empty cache gives nothing")
        cache.release(c, size: 14 * mb)
        cache.release(d, size: 6 * mb)
        // The 14 MB block, itself made of two mappings, is moved again as a piece (granule by granule).
        let (e, eSize) = cache.take(18 * mb)!
        #expect(eSize == 18 * mb && cache.freshBytes == 20 * mb)
        let eb = e.assumingMemoryBound(to: UInt8.self)
        #expect(eb[0] == 0xA1 && eb[6 * mb] == 0xB2 && eb[16 * mb - 1] == 0xB2 && eb[16 * mb] == 0xA1)
        cache.release(e, size: 18 * mb)
        #expect(cache.take(5 * mb)?.size == 6 * mb, "a cached block past twice the request is split")
    }

    @Test func largeBlocksAreWholeGranules() {
        #expect(LargeBlocks.blockSize(LargeBlocks.threshold - 1) == LargeBlocks.threshold - 1)
        #expect(LargeBlocks.blockSize(LargeBlocks.threshold + 1) == LargeBlocks.threshold + LargeBlocks.granule)
        #expect(LargeBlocks.blockSize(75_497_472) == 75_497_472, "128 channels at 384²: 36 granules exactly")
        #expect(LargeBlocks.blockSize(75_497_473) == 37 * LargeBlocks.granule)
    }

    @Test func addInPlaceEqualsTheFreshSum() {
        var rng = NumpyRandom(seed: 11)
        let values = (0..<(3 * 64 * 9 * 7 + 5)).map { _ in Float(rng.random() * 6 - 2.5) }
        let y = Tensor(shape: [values.count], floats: values.reversed())
        Activations.add(Tensor(shape: [values.count], floats: values), into: y)
        #expect(y.toFloats() == zip(values, values.reversed()).map { $0 + $1 })
    }
}
