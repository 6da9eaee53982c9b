import Formats
import Suites
import Tensors

/// Paired significance of every metric between two runs over the items both scored: McNemar's mid-p on the
/// per-item correctness where a metric is an accuracy (the suite names those records), a paired bootstrap over
/// whole groups otherwise (F1, GenEval's mean of task means). One resampling serves every metric.
public struct PairedMetrics {
    public struct Row: Sendable {
        public var id: String
        public var first: Double
        public var second: Double
        /// second − first.
        public var difference: Double
        public var higherIsBetter: Bool?
        /// "mcnemar-midp" or "paired-bootstrap".
        public var test: String
        /// Two-sided p of "no difference"; one-sided p of "second is worse" (towards the metric's worse side).
        public var twoSidedP: Double
        public var worseP: Double
        /// For McNemar: items right only in the first, only in the second.
        public var onlyFirst: Int?
        public var onlySecond: Int?
        public var n: Int
    }

    public static let resamples = 1000
    public static let seed: UInt64 = 7

    /// - Parameters: the scored records of the two runs, paired by id (only ids both scored count).
    public static func compare(_ a: [ItemRecord], _ b: [ItemRecord], suiteType: any Suite.Type) -> [Row] {
        let byID = Dictionary(b.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        let pairs = a.compactMap { r in byID[r.id].map { (r, $0) } }
        let first = pairs.map(\.0), second = pairs.map(\.1)
        guard !pairs.isEmpty else { return [] }
        let definitions = suiteType.metrics(for: first)
        let valuesA = Dictionary(suiteType.aggregate(first).map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        let valuesB = Dictionary(suiteType.aggregate(second).map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        var groupIndex: [String: Int] = [:]
        let clusters = first.map { r -> Int in
            if let g = groupIndex[r.group] { return g }
            groupIndex[r.group] = groupIndex.count
            return groupIndex[r.group]!
        }
        var draws: [String: [Double]] = [:]
        for sample in Bootstrap.resamples(itemCount: pairs.count, clusters: clusters, count: resamples, seed: seed) {
            let va = suiteType.aggregate(sample.map { first[$0] }), vb = suiteType.aggregate(sample.map { second[$0] })
            let mb = Dictionary(vb.map { ($0.id, $0.value) }, uniquingKeysWith: { x, _ in x })
            for v in va { if let w = mb[v.id] { draws[v.id, default: []].append(w - v.value) } }
        }
        var rows: [Row] = []
        for d in definitions {
            guard let x = valuesA[d.id], let y = valuesB[d.id] else { continue }
            let sign = d.higherIsBetter == false ? -1.0 : 1.0
            if let recordsA = suiteType.proportionRecords(metric: d.id, in: first) {
                let ids = Set(recordsA.map(\.id))
                let paired = pairs.filter { ids.contains($0.0.id) }
                let onlyFirst = paired.filter { $0.0.correct == true && $0.1.correct != true }.count
                let onlySecond = paired.filter { $0.0.correct != true && $0.1.correct == true }.count
                let two = PairedComparison.mcNemarMidP(onlyFirstCorrect: onlyFirst, onlySecondCorrect: onlySecond)
                // Worse = fewer right in the second run: many items right only in the first.
                let worse = sign > 0 ? oneSidedMidP(atLeast: onlyFirst, of: onlyFirst + onlySecond)
                    : oneSidedMidP(atLeast: onlySecond, of: onlyFirst + onlySecond)
                rows.append(Row(id: d.id, first: x.value, second: y.value, difference: y.value - x.value, higherIsBetter: d.higherIsBetter,
                                test: "mcnemar-midp", twoSidedP: two, worseP: worse, onlyFirst: onlyFirst, onlySecond: onlySecond, n: paired.count))
            } else {
                let diffs = draws[d.id] ?? []
                let count = Double(max(diffs.count, 1))
                let atMostZero = Double(diffs.filter { $0 <= 0 }.count) / count, atLeastZero = Double(diffs.filter { $0 >= 0 }.count) / count
                // Share of resamples in which the second run is not worse.
                let worse = sign > 0 ? atLeastZero : atMostZero
                rows.append(Row(id: d.id, first: x.value, second: y.value, difference: y.value - x.value, higherIsBetter: d.higherIsBetter,
                                test: "paired-bootstrap", twoSidedP: min(1, 2 * min(atMostZero, atLeastZero)), worseP: worse,
                                onlyFirst: nil, onlySecond: nil, n: pairs.count))
            }
        }
        return rows
    }

    /// The `test` of a set-level metric's row (FID, KID): no per-item pairing, so no test; its p-values are NaN.
    public static let unpaired = "none (set-level metric, no per-item pairing)"

    /// Rows of set-level metrics (suites whose `pairedItems` is false): the values both reports state, no test.
    public static func stated(_ a: LoadedReport, _ b: LoadedReport) -> [Row] {
        a.metrics.compactMap { m in
            guard let x = m.value, let other = b.metrics.first(where: { $0.id == m.id }), let y = other.value else { return nil }
            return Row(id: m.id, first: x, second: y, difference: y - x, higherIsBetter: m.higherIsBetter, test: unpaired,
                       twoSidedP: .nan, worseP: .nan, onlyFirst: nil, onlySecond: nil, n: min(m.n, other.n))
        }
    }

    /// P(X ≥ k) − ½·P(X = k) for X ~ Binomial(n, ½): the one-sided mid-p of k or more successes.
    static func oneSidedMidP(atLeast k: Int, of n: Int) -> Double {
        guard n > 0 else { return 1 }
        var tail = 0.0
        for i in k...n { tail += PairedComparison.binomialHalfPMF(i, n) }
        return min(1, tail - 0.5 * PairedComparison.binomialHalfPMF(k, n))
    }
}
