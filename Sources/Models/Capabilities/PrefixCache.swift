import Foundation
import Tensors

/// What a prefix cache did: its bound, what it holds, and how often a prefix was found or had to be computed.
public struct PrefixCacheStatistics: Equatable, Sendable {
    /// The bound on the bytes kept between uses (nil: reuse is off, every question computes its whole prompt).
    public var capacityBytes: Int?
    public var bytes = 0
    public var peakBytes = 0
    public var entries = 0
    /// Lookups that found the prefix, and those that computed it (each a prefill of the prefix).
    public var hits = 0
    public var misses = 0
    public var evictions = 0
    /// Images whose vision encoding ran (once per computed image prefix).
    public var imagesEncoded = 0
    /// Questions answered from a shared prefix, and those that computed their whole prompt.
    public var questionsReused = 0
    public var questionsRecomputed = 0

    public init(capacityBytes: Int? = nil) { self.capacityBytes = capacityBytes }
}

/// How a `VisualQA` shares the prompt prefix (system prompt and image tokens) between questions about one image.
public struct PrefixReuse: Equatable, Sendable {
    /// Off: every question prefills its whole prompt (the reference's way; for comparisons).
    public var enabled: Bool
    /// Bound on the bytes of prefixes kept for later questions (LRU by bytes); the prefix in use is always kept.
    public var cacheBytes: Int
    /// Questions decoded together per step (rows sharing each weight read). 1: each answer's decode runs alone, so
    /// every token and logit equals a full recompute bit for bit; more rows (up to `Linear.gemvRowLimit`) use the
    /// several-row kernels, whose sums run in another order (logits equal to f32 rounding, not bit for bit).
    public var decodeRows: Int

    /// 2 GiB keeps 16 Pro-1B image prefixes in f32 (~124 MB each), 3 at the Pro-7B shape.
    public static let defaultCacheBytes = 2 << 30
    public static let standard = PrefixReuse(enabled: true, cacheBytes: defaultCacheBytes, decodeRows: 1)
    public static let off = PrefixReuse(enabled: false, cacheBytes: 0, decodeRows: 1)

    public init(enabled: Bool, cacheBytes: Int, decodeRows: Int) {
        self.enabled = enabled; self.cacheBytes = cacheBytes; self.decodeRows = decodeRows
    }

    /// `off`, or a size: a byte count with an optional unit (K, M, G, KiB, MiB, GiB, KB, MB, GB; `2GiB`, `512M`,
    /// `0`). The flag `--prefix-cache` and `$JANUS_EVAL_PREFIX_CACHE` take this form.
    public static func parse(_ text: String, decodeRows: Int = 1) -> PrefixReuse? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "off" || t == "none" { return .off }
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard let value = Double(digits), value >= 0 else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "k", "kib": scale = 1024
        case "m", "mib": scale = 1_048_576
        case "g", "gib": scale = 1_073_741_824
        case "kb": scale = 1e3
        case "mb": scale = 1e6
        case "gb": scale = 1e9
        default: return nil
        }
        guard value * scale < Double(Int.max / 2) else { return nil }
        return PrefixReuse(enabled: true, cacheBytes: Int(value * scale), decodeRows: decodeRows)
    }
}

/// A cache of computed prompt prefixes bounded by bytes, least recently used first out. The entry being used is
/// held by its user, so eviction never takes it from under a running batch; entries larger than the bound are
/// used and then dropped.
public final class PrefixCache<Value>: @unchecked Sendable {
    struct Entry { var value: Value; var bytes: Int; var lastUse: Int }
    private var entries: [String: Entry] = [:]
    private var clock = 0
    /// `Locked`, not `Mutex`: ThreadSanitizer cannot see a contended `Mutex` hand-over on Linux (Tensors/Locked.swift).
    private let lock = Locked(())
    private var counts: PrefixCacheStatistics

    public init(capacityBytes: Int) { counts = PrefixCacheStatistics(capacityBytes: capacityBytes) }

    /// A consistent copy, taken under the lock (another thread may be counting).
    public var statistics: PrefixCacheStatistics { lock.withLock { _ in counts } }

    public var capacityBytes: Int {
        get { lock.withLock { _ in counts.capacityBytes ?? 0 } }
        set { lock.withLock { _ in counts.capacityBytes = newValue; evict(toFit: 0) } }
    }

    /// The value for `key`, computing and keeping it (within the bound) when absent. Counts a hit or a miss.
    public func value(for key: String, bytes: (Value) -> Int, compute: () throws -> Value) rethrows -> Value {
        if let hit: Value = lock.withLock({ _ in
            guard var e = entries[key] else { return nil }
            clock += 1; e.lastUse = clock; entries[key] = e
            counts.hits += 1
            return e.value
        }) { return hit }
        let value = try compute()
        let size = bytes(value)
        lock.withLock { _ in
            counts.misses += 1
            guard size <= (counts.capacityBytes ?? 0) else { return }
            evict(toFit: size)
            clock += 1
            entries[key] = Entry(value: value, bytes: size, lastUse: clock)
            counts.bytes += size
            counts.entries = entries.count
            counts.peakBytes = max(counts.peakBytes, counts.bytes)
        }
        return value
    }

    /// Counts work that is not a lookup (images encoded, questions answered with or without a shared prefix).
    public func record(_ update: (inout PrefixCacheStatistics) -> Void) { lock.withLock { _ in update(&counts) } }

    private func evict(toFit size: Int) {
        let capacity = counts.capacityBytes ?? 0
        while counts.bytes + size > capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            entries[oldest.key] = nil
            counts.bytes -= oldest.value.bytes
            counts.evictions += 1
        }
        counts.entries = entries.count
    }
}
