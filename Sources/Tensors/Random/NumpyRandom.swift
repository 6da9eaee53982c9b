/// numpy's `default_rng(seed)`, reproduced bit for bit: `SeedSequence` seeding, the PCG64 bit generator
/// (128-bit LCG, XSL-RR output), and the `Generator` methods GenEval's prompt recipe uses — `integers`
/// (Lemire's bounded method with numpy's 32-bit buffering), `choice` with and without replacement (numpy's Floyd
/// selection then shuffle, or its tail shuffle for large samples of large populations), and `random`. Checked against numpy 2.4 by fixtures.
public struct NumpyRandom: RandomNumberGenerator, Sendable {
    private var state: UInt128
    private let increment: UInt128
    static let multiplier: UInt128 = (UInt128(2_549_297_995_355_413_924) << 64) | UInt128(4_865_540_595_714_422_341)

    /// `np.random.default_rng(seed)` for a non-negative integer seed.
    public init(seed: UInt64) {
        let words = SeedSequence(entropy: seed).generateState64(4)
        let initState = (UInt128(words[0]) << 64) | UInt128(words[1])
        let initSeq = (UInt128(words[2]) << 64) | UInt128(words[3])
        state = 0
        increment = (initSeq << 1) | 1
        state = state &* Self.multiplier &+ increment
        state = state &+ initState
        state = state &* Self.multiplier &+ increment
    }

    /// The next 64-bit output: step, then XSL-RR of the new state.
    public mutating func next() -> UInt64 {
        state = state &* Self.multiplier &+ increment
        let folded = UInt64(truncatingIfNeeded: state >> 64) ^ UInt64(truncatingIfNeeded: state)
        let rotation = UInt64(truncatingIfNeeded: state >> 122)
        return (folded >> rotation) | (folded << ((64 &- rotation) & 63))
    }

    /// `Generator.random()`: a double in [0, 1) from the top 53 bits.
    public mutating func random() -> Double { Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) }

    /// `Generator.integers(low, high, endpoint:)` for one int64 value.
    public mutating func integers(_ low: Int, _ high: Int, endpoint: Bool = false) -> Int {
        let upper = endpoint ? high : high - 1
        precondition(upper >= low, "integers: empty range")
        return low + Int(bounded(UInt64(upper - low)))
    }

    /// numpy's `random_bounded_uint64` for a single draw: values in [0, range].
    mutating func bounded(_ range: UInt64) -> UInt64 {
        if range == 0 { return 0 }
        if range <= 0xFFFF_FFFF {
            if range == 0xFFFF_FFFF { return UInt64(nextUInt32()) }
            // Lemire on the bit generator's 32-bit stream (which keeps the high half of a 64-bit output for
            // the next 32-bit draw, across calls), as numpy's buffered_bounded_lemire_uint32 does.
            func draw32() -> UInt32 { nextUInt32() }
            let exclusive = UInt32(range) + 1
            var m = UInt64(draw32()) * UInt64(exclusive)
            var leftover = UInt32(truncatingIfNeeded: m)
            if leftover < exclusive {
                let threshold = (UInt32.max - UInt32(range)) % exclusive
                while leftover < threshold {
                    m = UInt64(draw32()) * UInt64(exclusive)
                    leftover = UInt32(truncatingIfNeeded: m)
                }
            }
            return m >> 32
        }
        if range == UInt64.max { return next() }
        let exclusive = range + 1
        var (high, low) = next().multipliedFullWidth(by: exclusive)
        if low < exclusive {
            let threshold = (UInt64.max - range) % exclusive
            while low < threshold { (high, low) = next().multipliedFullWidth(by: exclusive) }
        }
        return high
    }

    /// The bit generator's own 32-bit stream (low half of a 64-bit output, then its high half).
    private var pendingHigh: UInt32?
    mutating func nextUInt32() -> UInt32 {
        if let high = pendingHigh { pendingHigh = nil; return high }
        let v = next()
        pendingHigh = UInt32(truncatingIfNeeded: v >> 32)
        return UInt32(truncatingIfNeeded: v)
    }

    /// numpy's `_shuffle_int(n, first, data)` (used by `choice`): Fisher–Yates from the end down to `first`,
    /// each swap index drawn with the bounded (Lemire) method.
    mutating func shuffle(_ data: inout [Int], first: Int) {
        var i = data.count - 1
        while i >= first {
            data.swapAt(i, Int(bounded(UInt64(i))))
            i -= 1
        }
    }

    /// `Generator.choice(n)`: one index in [0, n).
    public mutating func choice(_ n: Int) -> Int { integers(0, n) }

    /// `Generator.choice(n, size, replace:)` (no probabilities, shuffle=True).
    public mutating func choice(_ n: Int, size: Int, replace: Bool) -> [Int] {
        if replace { return (0..<size).map { _ in integers(0, n) } }
        precondition(size <= n, "choice: cannot take \(size) of \(n) without replacement")
        if n > 10_000 && size > n / 50 {
            // Large population, large sample: the last `size` slots of a partially shuffled arange.
            var idx = Array(0..<n)
            shuffle(&idx, first: max(n - size, 1))
            return Array(idx[(n - size)...])
        }
        // Floyd's algorithm (numpy's default for GenEval's sizes), then a shuffle of the selection.
        var selection: [Int] = []
        var seen = Set<Int>()
        for j in (n - size)..<n {
            let value = Int(bounded(UInt64(j)))
            let pick = seen.contains(value) ? j : value
            seen.insert(pick)
            selection.append(pick)
        }
        shuffle(&selection, first: 1)
        return selection
    }
}

/// numpy's `SeedSequence` for an integer entropy: hash-mixes the entropy into a 4-word pool, then draws
/// state words from it.
struct SeedSequence {
    static let initA: UInt32 = 0x43b0_d7e5, multA: UInt32 = 0x931e_8875
    static let initB: UInt32 = 0x8b51_f9dd, multB: UInt32 = 0x58f3_8ded
    static let mixMultL: UInt32 = 0xca01_f9dd, mixMultR: UInt32 = 0x4973_f715
    var pool: [UInt32] = [0, 0, 0, 0]

    init(entropy: UInt64) {
        // The integer split into 32-bit words, least significant first (zero is one word).
        var words: [UInt32] = []
        var v = entropy
        repeat { words.append(UInt32(truncatingIfNeeded: v)); v >>= 32 } while v > 0
        var hashConst = Self.initA
        func hashmix(_ value: UInt32) -> UInt32 {
            var value = value ^ hashConst
            hashConst = hashConst &* Self.multA
            value = value &* hashConst
            return value ^ (value >> 16)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let r = Self.mixMultL &* x &- Self.mixMultR &* y
            return r ^ (r >> 16)
        }
        for i in 0..<4 { pool[i] = hashmix(i < words.count ? words[i] : 0) }
        for src in 0..<4 { for dst in 0..<4 where src != dst { pool[dst] = mix(pool[dst], hashmix(pool[src])) } }
        if words.count > 4 {
            for src in 4..<words.count { for dst in 0..<4 { pool[dst] = mix(pool[dst], hashmix(words[src])) } }
        }
    }

    func generateState64(_ count: Int) -> [UInt64] {
        var hashConst = Self.initB
        var words: [UInt32] = []
        for i in 0..<(count * 2) {
            var value = pool[i % 4] ^ hashConst
            hashConst = hashConst &* Self.multB
            value = value &* hashConst
            words.append(value ^ (value >> 16))
        }
        return (0..<count).map { UInt64(words[2 * $0]) | (UInt64(words[2 * $0 + 1]) << 32) }
    }
}
