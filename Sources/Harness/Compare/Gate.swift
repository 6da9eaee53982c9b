import Foundation
import Formats
import Suites

/// `janus-eval gate`: did the candidate run regress against the baseline? A gated metric regresses when it got
/// worse by more than `maxDrop` (absolute, in the metric's units, towards worse) AND the worsening is significant
/// (one-sided, paired over the items both runs scored, at `alpha`). Metrics without per-item pairing (FID, KID)
/// are judged by the margin alone. Runs that cannot be compared are an error with a one-line reason (exit 2).
public struct Gate {
    public struct Verdict: Sendable {
        public var metric: String
        public var baseline: Double
        public var candidate: Double
        /// candidate − baseline.
        public var difference: Double
        /// How much worse the candidate is (positive = worse), in the metric's units.
        public var worsening: Double
        public var p: Double?
        public var test: String
        public var regressed: Bool
        public var explanation: String
    }

    public struct Result: Sendable {
        public var suite: String
        public var verdicts: [Verdict]
        public var comparedItems: Int
        public var maxDrop: Double
        public var alpha: Double
        /// false for set-level metrics (FID, KID): judged by the margin alone, no significance test.
        public var paired = true
        public var regressed: Bool { verdicts.contains { $0.regressed } }
    }

    public var baseline: LoadedReport
    public var candidate: LoadedReport
    /// nil: every metric with a direction.
    public var metrics: [String]?
    public var maxDrop: Double
    public var alpha: Double

    public init(baseline: LoadedReport, candidate: LoadedReport, metrics: [String]? = nil, maxDrop: Double = 0.01, alpha: Double = 0.05) {
        self.baseline = baseline; self.candidate = candidate; self.metrics = metrics; self.maxDrop = maxDrop; self.alpha = alpha
    }

    /// Throws `GateError` when the runs cannot be compared.
    public func evaluate() throws -> Result {
        guard baseline.configuration.suiteID == candidate.configuration.suiteID else {
            throw GateError("different suites: \(baseline.configuration.suiteID) vs \(candidate.configuration.suiteID)")
        }
        guard baseline.ruleSetID == candidate.ruleSetID else {
            throw GateError("different rule sets: \(baseline.ruleSetID) vs \(candidate.ruleSetID)")
        }
        let paired = baseline.suiteType.pairedItems
        let rows: [PairedMetrics.Row]
        var compared = 0
        if paired {
            let a = baseline.scored, b = candidate.scored
            let idsA = Set(a.map(\.id)), idsB = Set(b.map(\.id))
            guard idsA == idsB else {
                let onlyA = idsA.subtracting(idsB).count, onlyB = idsB.subtracting(idsA).count
                throw GateError("the runs scored different items (\(onlyA) only in the baseline, \(onlyB) only in the candidate; item sets \(baseline.itemsDigest.prefix(8)) vs \(candidate.itemsDigest.prefix(8)))")
            }
            guard !idsA.isEmpty else { throw GateError("no comparable items: neither run scored any item") }
            rows = PairedMetrics.compare(a, b, suiteType: baseline.suiteType)
            compared = idsA.count
        } else {
            if let mismatch = baseline.setLevelMismatch(candidate) { throw GateError(mismatch) }
            rows = PairedMetrics.stated(baseline, candidate)
        }
        let available = Set(rows.map(\.id))
        let gated: [String]
        if let metrics {
            let absent = metrics.filter { !available.contains($0) }
            guard absent.isEmpty else {
                throw GateError("metric \(absent.joined(separator: ", ")) is not in both reports (they have: \(rows.map(\.id).joined(separator: ", ")))")
            }
            gated = metrics
        } else {
            gated = rows.filter { $0.higherIsBetter != nil }.map(\.id)
        }
        var verdicts: [Verdict] = []
        for id in gated {
            let row = rows.first { $0.id == id }!
            guard let higher = row.higherIsBetter else {
                throw GateError("metric \(id) has no direction (higher_is_better is null): it cannot be gated")
            }
            let worsening = higher ? row.first - row.second : row.second - row.first
            let beyondMargin = worsening > maxDrop + 1e-12
            let significant = !paired || row.worseP < alpha
            let regressed = beyondMargin && significant
            var why: String
            if worsening <= 0 { why = "not worse" }
            else if !beyondMargin { why = String(format: "worse by %.4f, within the margin %.4f", worsening, maxDrop) }
            else if !paired { why = String(format: "worse by %.4f > %.4f (no per-item pairing: judged by the margin alone)", worsening, maxDrop) }
            else if !significant { why = String(format: "worse by %.4f but not significant (one-sided p = %.3g ≥ %.3g)", worsening, row.worseP, alpha) }
            else { why = String(format: "worse by %.4f > %.4f and significant (one-sided p = %.3g < %.3g)", worsening, maxDrop, row.worseP, alpha) }
            if let onlyFirst = row.onlyFirst, let onlySecond = row.onlySecond {
                why += "; \(onlyFirst) item(s) right only in the baseline, \(onlySecond) only in the candidate"
            }
            verdicts.append(Verdict(metric: id, baseline: row.first, candidate: row.second, difference: row.difference, worsening: worsening,
                                    p: paired ? row.worseP : nil, test: row.test, regressed: regressed, explanation: why))
        }
        return Result(suite: baseline.configuration.suiteID, verdicts: verdicts, comparedItems: compared, maxDrop: maxDrop, alpha: alpha,
                      paired: paired)
    }

    public static func junit(_ r: Result) -> String {
        let failures = r.verdicts.filter(\.regressed).count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        out += "  <testsuite name=\"janus-eval gate \(HTMLReport.escape(r.suite))\" tests=\"\(r.verdicts.count)\" failures=\"\(failures)\">\n"
        for v in r.verdicts {
            out += "    <testcase classname=\"gate.\(HTMLReport.escape(r.suite))\" name=\"\(HTMLReport.escape(v.metric))\">"
            if v.regressed {
                out += "<failure message=\"\(HTMLReport.escape(v.explanation))\">"
                    + HTMLReport.escape(String(format: "baseline %.4f, candidate %.4f (%@)", v.baseline, v.candidate, v.test)) + "</failure>"
            } else {
                out += "<system-out>\(HTMLReport.escape(v.explanation))</system-out>"
            }
            out += "</testcase>\n"
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }

    public static func markdown(_ r: Result) -> String {
        var out = "### janus-eval gate: \(r.suite) — " + (r.regressed ? "**regression**" : "no regression") + "\n\n"
        out += r.paired ? "\(r.comparedItems) paired items; margin \(r.maxDrop), alpha \(r.alpha).\n\n"
            : "Set-level metrics (no per-item pairing): judged by the margin \(r.maxDrop) alone, no significance test.\n\n"
        out += "| metric | baseline | candidate | Δ | p (worse) | test | verdict |\n|---|---:|---:|---:|---:|---|---|\n"
        for v in r.verdicts {
            let cell = v.explanation.replacingOccurrences(of: "|", with: "\\|")
            out += String(format: "| %@ | %.4f | %.4f | %+.4f | %@ | %@ | %@ |\n", v.metric, v.baseline, v.candidate, v.difference,
                          v.p.map { String(format: "%.3g", $0) } ?? "—", v.test, (v.regressed ? "❌ " : "✅ ") + cell)
        }
        return out
    }
}

/// The runs cannot be compared (exit 2).
public struct GateError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
