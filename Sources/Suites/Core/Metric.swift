/// A metric a suite aggregates, with its direction, so `gate` and `compare` never guess what "worse" means.
public struct MetricDefinition: Equatable, Sendable {
    /// Stable id users' scripts and `gate --metric` name (`pope/random/f1` is written `random/f1` within POPE).
    public var id: String
    /// true: higher is better; false: lower is better; nil: no direction (a ratio such as POPE's yes_ratio).
    public var higherIsBetter: Bool?
    public var summary: String

    public init(id: String, higherIsBetter: Bool?, summary: String) {
        self.id = id; self.higherIsBetter = higherIsBetter; self.summary = summary
    }
}

/// One aggregated value (a rate in [0, 1], never ×100) and how many items it rests on.
public struct MetricValue: Equatable, Sendable {
    public var id: String
    public var value: Double
    public var n: Int

    public init(id: String, value: Double, n: Int) { self.id = id; self.value = value; self.n = n }
}
