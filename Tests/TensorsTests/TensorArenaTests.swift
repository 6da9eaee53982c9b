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
