import Foundation
import Formats
import Suites

/// report.html: one self-contained page (inline CSS, inline SVG charts, images embedded as data URIs, no network
/// reference). Headline metrics with 95 % intervals as a bar chart with whiskers, the full metric table, then the
/// items — failures first, each with the reason it was judged wrong and, for answers, what was read from them and
/// how; for generated images a gallery with the kept detection boxes drawn. Every piece of text is escaped, so an
/// answer `<script>…</script>` shows as text. Images are embedded only from inside the run folder or the suite's
/// image folder; a path that escapes them is refused (shown as a note, never read).
public struct HTMLReport {
    public var report: RunReport
    /// The run folder (generated images live under it).
    public var folder: String
    /// Where `--images` pointed, if anywhere (GenEval images generated elsewhere).
    public var imageRoot: String?
    /// At most this many items are shown in full (failures first); the rest are counted.
    public var itemLimit = 400

    public init(report: RunReport, folder: String, imageRoot: String? = nil) {
        self.report = report; self.folder = folder; self.imageRoot = imageRoot
    }

    public func write(to path: String) throws {
        do { try Data(html().utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw HarnessError.output(path: path, reason: "cannot write the HTML report: \(FileProblem.writeReason(path, error: error))")
        }
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func string(_ v: JSONValue?) -> String {
        switch v {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        case .double(let d)?: return String(d)
        case .bool(let b)?: return b ? "true" : "false"
        default: return ""
        }
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f", 100 * x) }

    public func html() -> String {
        let json = report.json
        let config = report.configuration
        let suite = config.suiteID
        var metrics: [(id: String, value: Double?, lo: Double?, hi: Double?, n: Int, higher: Bool?)] = []
        if case .object(let m)? = json["metrics"] {
            for (id, v) in m.entries {
                guard case .object(let o) = v else { continue }
                func d(_ x: JSONValue?) -> Double? { if case .double(let v)? = x { return v }; if case .int(let i)? = x { return Double(i) }; return nil }
                var lo: Double?, hi: Double?
                if case .array(let ci)? = o["ci95"], ci.count == 2 { lo = d(ci[0]); hi = d(ci[1]) }
                let n: Int = { if case .int(let i)? = o["n"] { return Int(i) }; return 0 }()
                let higher: Bool? = { if case .bool(let b)? = o["higher_is_better"] { return b }; return nil }()
                metrics.append((id, d(o["value"]), lo, hi, n, higher))
            }
        }
        let source: JSONObject = { if case .object(let s)? = config.json["source"] { return s }; return JSONObject() }()
        let randomWeights = Self.string(source["random_weights"]) == "true"
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
        <title>janus-eval · \(Self.escape(suite)) · \(Self.escape(Self.string(source["model"]).isEmpty ? Self.string(source["kind"]) : Self.string(source["model"])))</title>
        <style>
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#1b1f24;padding:0 16px}
        h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dee4;padding-bottom:4px}
        .sub{color:#57606a} .warn{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px;margin:12px 0}
        table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums} td,th{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
        th{background:#f6f8fa} td.num{text-align:right;white-space:nowrap}
        .headline{display:flex;gap:16px;flex-wrap:wrap;margin:12px 0} .card{border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:150px}
        .card .v{font-size:26px;font-weight:600} .card .k{color:#57606a;font-size:12px}
        .bad{color:#cf222e} .good{color:#1a7f37} pre{white-space:pre-wrap;margin:0;font:12px/1.4 ui-monospace,monospace}
        .gallery{display:flex;flex-wrap:wrap;gap:12px} .tile{border:1px solid #d0d7de;border-radius:6px;padding:6px;width:220px}
        .tile.wrong{border-color:#cf222e} .tile svg{width:206px;height:206px;background:#f6f8fa;image-rendering:pixelated}
        details{margin:4px 0} summary{cursor:pointer}
        </style></head><body>
        <h1>\(Self.escape(suite)) — \(Self.escape(Self.string(source["model"]).isEmpty ? Self.string(source["kind"]) : Self.string(source["model"])))</h1>
        <div class="sub">rule set \(Self.escape(Self.string({ if case .object(let r)? = config.json["rule_set"] { return r["id"] }; return nil }()))) · \
        configuration \(Self.escape(String(config.digest.prefix(12)))) · janus-eval \(Self.escape(HarnessVersion.string))</div>

        """
        if randomWeights {
            page += "<div class=\"warn\"><b>Random weights:</b> this run used a tiny random-weight demo checkpoint. The scores are meaningless; the page only shows that every part of the pipeline ran.</div>\n"
        }
        let summary: JSONObject = { if case .object(let s)? = json["summary"] { return s }; return JSONObject() }()
        page += "<div class=\"headline\">"
        // The suites' headline numbers first (POPE's pooled F1, MMBench's CircularEval, GenEval's overall, FID).
        let preferred = ["pooled/f1", "mean/f1", "circular/overall", "vanilla/overall", "overall", "fid", "kid"]
        let headline = preferred.compactMap { id in metrics.first { $0.id == id } } + metrics.filter { !preferred.contains($0.id) }
        for m in headline.prefix(4) {
            page += "<div class=\"card\"><div class=\"k\">\(Self.escape(m.id))</div><div class=\"v\">\(m.value.map { m.id == "clipscore" ? String(format: "%.2f", $0) : Self.percent($0) } ?? "–")</div>"
            if let lo = m.lo, let hi = m.hi, m.id != "clipscore" { page += "<div class=\"k\">95 % CI \(Self.percent(lo))–\(Self.percent(hi)) · n \(m.n)</div>" }
            page += "</div>"
        }
        page += "<div class=\"card\"><div class=\"k\">items</div><div class=\"v\">\(Self.escape(Self.string(summary["scored"])))</div>"
            + "<div class=\"k\">\(Self.escape(Self.string(summary["failed"]))) failed · \(Self.escape(Self.string(summary["correct"]))) correct</div></div>"
        page += "</div>\n"
        page += "<h2>Metrics</h2>\n" + chart(metrics) + "\n<table><tr><th>metric</th><th>value</th><th>95 % CI</th><th>n</th><th>better</th></tr>\n"
        for m in metrics {
            let ci = (m.lo != nil && m.hi != nil) ? "\(String(format: "%.4f", m.lo!)) – \(String(format: "%.4f", m.hi!))" : "–"
            let better = m.higher.map { $0 ? "higher" : "lower" } ?? "—"
            page += "<tr><td>\(Self.escape(m.id))</td><td class=\"num\">\(m.value.map { String(format: "%.4f", $0) } ?? "–")</td><td class=\"num\">\(ci)</td><td class=\"num\">\(m.n)</td><td>\(better)</td></tr>\n"
        }
        page += "</table>\n" + pivot(metrics)
        page += itemsSection()
        page += "<h2>Run</h2>\n<details><summary>configuration (run.json)</summary><pre>\(Self.escape(JSONWriter(style: .indented).string(.object(config.json))))</pre></details>\n"
        page += "<details><summary>environment and timings</summary><pre>\(Self.escape(JSONWriter(style: .indented).string(.object(JSONObject([("environment", .object(report.environment)), ("timings", .object(report.timings))])))))</pre></details>\n"
        page += "</body></html>\n"
        return page
    }

    /// Metrics named `<row>/<column>` whose rows share the same columns (POPE's splits) as one table.
    func pivot(_ metrics: [(id: String, value: Double?, lo: Double?, hi: Double?, n: Int, higher: Bool?)]) -> String {
        var rows: [String] = [], columns: [String: [String]] = [:], values: [String: Double] = [:]
        for m in metrics {
            let parts = m.id.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let v = m.value else { continue }
            if columns[parts[0]] == nil { rows.append(parts[0]) }
            columns[parts[0], default: []].append(parts[1])
            values[m.id] = v
        }
        let shared = rows.filter { (columns[$0]?.count ?? 0) >= 3 }
        guard shared.count >= 2, let header = columns[shared[0]], shared.allSatisfy({ columns[$0] == header }) else { return "" }
        var out = "<h2>Per split</h2>\n<table><tr><th></th>" + header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr>\n"
        for row in shared {
            out += "<tr><td>\(Self.escape(row))</td>" + header.map { "<td class=\"num\">\(values[row + "/" + $0].map { String(format: "%.4f", $0) } ?? "–")</td>" }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }

    /// Horizontal bars for the rate metrics (values in [0, 1]) with their 95 % interval as whiskers.
    func chart(_ metrics: [(id: String, value: Double?, lo: Double?, hi: Double?, n: Int, higher: Bool?)]) -> String {
        let rates = metrics.filter { m in m.value.map { (0...1).contains($0) } ?? false }
        guard !rates.isEmpty else { return "" }
        let row = 22, left = 190, width = 520, height = rates.count * row + 24
        var svg = "<svg role=\"img\" aria-label=\"metrics with 95% intervals\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + width + 70)\" height=\(height) viewBox=\"0 0 \(left + width + 70) \(height)\">"
        for t in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = left + Int(t * Double(width))
            svg += "<line x1=\"\(x)\" y1=\"0\" x2=\"\(x)\" y2=\"\(height - 18)\" stroke=\"#eaeef2\"/><text x=\"\(x)\" y=\"\(height - 4)\" font-size=\"10\" text-anchor=\"middle\" fill=\"#57606a\">\(Int(t * 100))</text>"
        }
        for (i, m) in rates.enumerated() {
            let y = i * row + 4
            let w = Int(m.value! * Double(width))
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 14)\" font-size=\"12\" text-anchor=\"end\">\(Self.escape(m.id))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"14\" fill=\"\(m.higher == false ? "#d1242f" : "#0969da")\" opacity=\"0.75\"/>"
            if let lo = m.lo, let hi = m.hi {
                let x1 = left + Int(lo * Double(width)), x2 = left + Int(hi * Double(width))
                svg += "<line x1=\"\(x1)\" y1=\"\(y + 10)\" x2=\"\(x2)\" y2=\"\(y + 10)\" stroke=\"#1b1f24\" stroke-width=\"1.5\"/>"
                svg += "<line x1=\"\(x1)\" y1=\"\(y + 5)\" x2=\"\(x1)\" y2=\"\(y + 15)\" stroke=\"#1b1f24\"/><line x1=\"\(x2)\" y1=\"\(y + 5)\" x2=\"\(x2)\" y2=\"\(y + 15)\" stroke=\"#1b1f24\"/>"
            }
            svg += "<text x=\"\(left + width + 6)\" y=\"\(y + 14)\" font-size=\"12\">\(Self.percent(m.value!))</text>"
        }
        return svg + "</svg>"
    }

    func itemsSection() -> String {
        let records = report.entries.map(\.record)
        // Failures first: items that could not be scored, then wrong ones, then right ones (each in suite order).
        let ordered = records.filter { $0.fields["error"] != nil } + records.filter { $0.fields["error"] == nil && $0.correct == false }
            + records.filter { $0.fields["error"] == nil && $0.correct != false }
        let shown = ordered.prefix(itemLimit)
        var out = "<h2>Items</h2>\n<p class=\"sub\">\(records.count) items; failures first"
            + (ordered.count > shown.count ? "; the first \(shown.count) shown (all are in report.json and items.jsonl)" : "") + ".</p>\n"
        if report.configuration.suiteID == "geneval" {
            // Masks: the run's own detections.jsonl (the detector ran here), else the --detections file it read.
            var files = [folder + "/detections.jsonl"]
            if case .object(let source)? = report.configuration.json["source"] {
                if case .string(let f)? = source["file"] { files.append(f) }
                if case .object(let d)? = source["detections"], case .string(let f)? = d["file"] { files.append(f) }
            }
            let gallery = GenEvalGallery(folder: folder, imageRoot: imageRoot, detectionFiles: files)
            out += GenEvalGallery.notes(records) + "<div class=\"gallery\">\n"
            for r in shown { out += gallery.tile(r) }
            return out + "</div>\n"
        }
        out += "<table><tr><th>item</th><th>question</th><th>answer</th><th>read as</th><th>truth</th><th>verdict</th></tr>\n"
        for r in shown {
            let verdict = r.fields["error"] != nil ? "<span class=\"bad\">failed</span>" : (r.correct == true ? "<span class=\"good\">right</span>" : "<span class=\"bad\">wrong</span>")
            out += "<tr><td>\(Self.escape(r.id))</td><td>\(Self.escape(Self.string(r.fields["question"] ?? r.fields["text"])))</td>"
                + "<td><pre>\(Self.escape(Self.string(r.fields["output"])))</pre></td>"
                + "<td>\(Self.escape(Self.string(r.fields["parsed"])))<div class=\"sub\">\(Self.escape(Self.string(r.fields["how"])))</div></td>"
                + "<td>\(Self.escape(Self.string(r.fields["truth"])))</td><td>\(verdict)<div class=\"sub\">\(Self.escape(r.reason))</div></td></tr>\n"
        }
        return out + "</table>\n"
    }

    /// `relative` under one of `roots`, refusing absolute paths and any path that escapes its root (`..`, links).
    public static func resolve(_ relative: String, under roots: [String], note: inout String) -> String? {
        guard !relative.isEmpty else { return nil }
        if relative.hasPrefix("/") || relative.split(separator: "/").contains("..") {
            note = "path \(relative) escapes the run and data folders; refused"
            return nil
        }
        for root in roots {
            let rootURL = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath()
            let candidate = rootURL.appendingPathComponent(relative).standardizedFileURL.resolvingSymlinksInPath()
            guard candidate.path.hasPrefix(rootURL.path + "/") else {
                note = "path \(relative) escapes \(root); refused"
                continue
            }
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
        }
        return nil
    }
}
