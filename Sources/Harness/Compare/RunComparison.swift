import Foundation
import Formats
import Suites

/// `janus-eval compare A B [C…]`: runs of one suite side by side. Checks they scored the same items, then shows each
/// metric per run with its interval, the difference from the first run and its paired significance (McNemar
/// mid-p for accuracies, paired bootstrap otherwise), and the items whose verdict flipped.
public struct RunComparison {
    public var runs: [LoadedReport]
    /// Per later run: its rows against the first.
    public var rows: [[PairedMetrics.Row]]
    /// Per later run: ids right in the first and wrong in it, and the reverse.
    public var flipped: [(lost: [ItemRecord], gained: [ItemRecord])]

    public init(runs: [LoadedReport]) throws {
        guard runs.count >= 2 else { throw GateError("compare needs at least two runs") }
        let first = runs[0]
        for run in runs.dropFirst() {
            guard run.configuration.suiteID == first.configuration.suiteID else {
                throw GateError("\(run.path) is a \(run.configuration.suiteID) run, \(first.path) a \(first.configuration.suiteID) run")
            }
            if !first.suiteType.pairedItems {
                if let mismatch = first.setLevelMismatch(run) { throw GateError("\(run.path) vs \(first.path): \(mismatch)") }
                continue
            }
            guard Set(run.scored.map(\.id)) == Set(first.scored.map(\.id)) else {
                throw GateError("\(run.path) and \(first.path) scored different items (item sets \(run.itemsDigest.prefix(8)) vs \(first.itemsDigest.prefix(8)))")
            }
            if run.ruleSetID != first.ruleSetID {
                throw GateError("\(run.path) was scored by \(run.ruleSetID), \(first.path) by \(first.ruleSetID): rescore one with the other's rules")
            }
        }
        self.runs = runs
        rows = runs.dropFirst().map { first.suiteType.pairedItems ? PairedMetrics.compare(first.scored, $0.scored, suiteType: first.suiteType)
                                                                 : PairedMetrics.stated(first, $0) }
        let byID = Dictionary(first.scored.map { ($0.id, $0) }, uniquingKeysWith: { x, _ in x })
        flipped = runs.dropFirst().map { run in
            let lost = run.scored.filter { byID[$0.id]?.correct == true && $0.correct != true }
            let gained = run.scored.filter { byID[$0.id]?.correct != true && $0.correct == true }
            return (lost, gained)
        }
    }

    /// How the runs were paired: items, or (FID) not at all.
    var pairingNote: String {
        runs[0].suiteType.pairedItems ? "\(runs[0].scored.count) paired items"
            : "set-level metrics (no per-item pairing; p not applicable); image counts " + runs.map { String($0.metrics.first?.n ?? 0) }.joined(separator: " / ")
    }

    static func p(_ value: Double) -> String { value.isNaN ? "—" : String(format: "%.3g", value) }

    public func text() -> String {
        var out = "\(runs[0].configuration.suiteID): " + pairingNote + "\n"
        for (i, run) in runs.enumerated() { out += "  [\(i)] \(run.label)  (\(run.path))\n" }
        let width = max(14, rows.first?.map(\.id.count).max() ?? 0)
        out += "\n" + "metric".padding(toLength: width, withPad: " ", startingAt: 0) + "  " + runs.indices.map { "[\($0)]".padding(toLength: 9, withPad: " ", startingAt: 0) }.joined()
        out += runs.indices.dropFirst().map { "  Δ[\($0)]     p[\($0)]" }.joined() + "\n"
        for (r, row) in (rows.first ?? []).enumerated() {
            var line = row.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(format: "%-9.4f", row.first)
            for k in rows.indices { line += String(format: "%-9.4f", rows[k][r].second) }
            for k in rows.indices { line += String(format: "  %+.4f  ", rows[k][r].difference) + String(repeating: " ", count: max(0, 8 - Self.p(rows[k][r].twoSidedP).count)) + Self.p(rows[k][r].twoSidedP) }
            out += line + "\n"
        }
        for (k, f) in flipped.enumerated() where runs[0].suiteType.pairedItems {
            out += "\n[\(k + 1)] vs [0]: \(f.lost.count) item(s) right only in [0], \(f.gained.count) right only in [\(k + 1)]\n"
            for r in f.lost.prefix(10) { out += "  - \(r.id): \(r.reason)\n" }
            for r in f.gained.prefix(10) { out += "  + \(r.id)\n" }
        }
        return out
    }

    public func json() -> JSONValue {
        .object(JSONObject([
            ("suite", .string(runs[0].configuration.suiteID)),
            ("runs", .array(runs.map { .object(JSONObject([("path", .string($0.path)), ("config_digest", .string($0.configuration.digest))])) })),
            ("comparisons", .array(rows.enumerated().map { k, rows in
                .object(JSONObject([
                    ("against", .int(Int64(k + 1))),
                    ("metrics", .array(rows.map { row in
                        var o = JSONObject([("id", .string(row.id)), ("first", .double(row.first)), ("second", .double(row.second)),
                                            ("difference", .double(row.difference)), ("test", .string(row.test)),
                                            ("p", row.twoSidedP.isNaN ? .null : .double(row.twoSidedP)), ("n", .int(Int64(row.n)))])
                        o["higher_is_better"] = row.higherIsBetter.map(JSONValue.bool) ?? .null
                        return .object(o)
                    })),
                    ("lost", .array(flipped[k].lost.map { .string($0.id) })), ("gained", .array(flipped[k].gained.map { .string($0.id) })),
                ]))
            })),
        ]))
    }

    /// A flipped GenEval item's image in the first run and in run `k`, embedded from their run folders.
    func images(_ record: ItemRecord, _ k: Int) -> String {
        guard case .string(let filename)? = record.fields["filename"] else { return "" }
        var out = ""
        for run in [runs[0], runs[k]] {
            var note = ""
            let folder = (run.path as NSString).deletingLastPathComponent
            guard let path = HTMLReport.resolve(filename, under: [folder + "/images"], note: &note),
                  let data = FileManager.default.contents(atPath: path) else { continue }
            out += "<img alt=\"\(HTMLReport.escape(run.label))\" width=\"128\" height=\"128\" style=\"image-rendering:pixelated;margin:4px\" src=\"data:image/png;base64,\(data.base64EncodedString())\">"
        }
        return out.isEmpty ? "" : "<div>" + out + "</div>"
    }

    public func html() -> String {
        var page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\"><title>janus-eval compare</title><style>body{font:14px system-ui,sans-serif;margin:24px auto;max-width:1100px}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #eaeef2;text-align:right}td:first-child,th:first-child{text-align:left}.bad{color:#cf222e}.good{color:#1a7f37}</style></head><body>"
        page += "<h1>\(HTMLReport.escape(runs[0].configuration.suiteID)): \(runs.count) runs, \(HTMLReport.escape(pairingNote))</h1><ol start=\"0\">"
        for run in runs { page += "<li>\(HTMLReport.escape(run.label)) <small>\(HTMLReport.escape(run.path))</small></li>" }
        page += "</ol><table><tr><th>metric</th>" + runs.indices.map { "<th>[\($0)]</th>" }.joined() + rows.indices.map { "<th>Δ[\($0 + 1)]</th><th>p</th>" }.joined() + "</tr>"
        for (r, row) in (rows.first ?? []).enumerated() {
            page += "<tr><td>\(HTMLReport.escape(row.id))</td><td>\(String(format: "%.4f", row.first))</td>"
            for k in rows.indices { page += "<td>\(String(format: "%.4f", rows[k][r].second))</td>" }
            for k in rows.indices {
                let d = rows[k][r].difference, better = (rows[k][r].higherIsBetter ?? true) ? d > 0 : d < 0
                page += "<td class=\"\(d == 0 ? "" : (better ? "good" : "bad"))\">\(String(format: "%+.4f", d))</td><td>\(Self.p(rows[k][r].twoSidedP))</td>"
            }
            page += "</tr>"
        }
        page += "</table>"
        for (k, f) in flipped.enumerated() where runs[0].suiteType.pairedItems {
            page += "<h2>[\(k + 1)] vs [0]: \(f.lost.count) lost, \(f.gained.count) gained</h2><ul>"
            for r in f.lost { page += "<li class=\"bad\">\(HTMLReport.escape(r.id)): \(HTMLReport.escape(r.reason))\(images(r, k + 1))</li>" }
            for r in f.gained { page += "<li class=\"good\">\(HTMLReport.escape(r.id))\(images(r, k + 1))</li>" }
            page += "</ul>"
        }
        return page + "</body></html>\n"
    }
}
