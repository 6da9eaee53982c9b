import Foundation
import Formats
import Scorers
import Tensors

/// report.html of an FID run, for people: one self-contained page (inline CSS and SVG, thumbnails as data URIs, no
/// network reference, every text escaped). The numbers and what they mean, the settings they depend on (mode, dims,
/// weights digest, counts of both sides), the warnings (a singular covariance when there are fewer images than
/// dims; the demo network), and two charts: the eigenvalue spectra of both covariances, and a histogram of each
/// image's distance to the reference mean (generated images and, when the reference is a folder, reference images).
public struct FIDReportPage {
    public var report: JSONObject
    public var generated: InceptionFeatureExtractor.FeatureSet
    public var generatedStatistics: GaussianStatistics
    public var reference: InceptionFeatureExtractor.FeatureSet?
    public var referenceStatistics: GaussianStatistics
    public var imageFolder: String
    public var fid: FrechetDistance.Result
    public var kid: KernelInceptionDistance.Result?
    public var warnings: [String]
    /// Thumbnails shown (the first images; files larger than `thumbnailBytes` are not embedded).
    public var thumbnails = 8
    public var thumbnailBytes = 200_000

    public init(report: JSONObject, generated: InceptionFeatureExtractor.FeatureSet, generatedStatistics: GaussianStatistics,
                reference: InceptionFeatureExtractor.FeatureSet?, referenceStatistics: GaussianStatistics, imageFolder: String,
                fid: FrechetDistance.Result, kid: KernelInceptionDistance.Result?, warnings: [String]) {
        self.report = report; self.generated = generated; self.generatedStatistics = generatedStatistics; self.reference = reference
        self.referenceStatistics = referenceStatistics; self.imageFolder = imageFolder; self.fid = fid; self.kid = kid
        self.warnings = warnings
    }

    static let style = "body{font:14px system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#1f2328}h1{font-size:22px}.big{font-size:30px;font-weight:600}.card{display:inline-block;vertical-align:top;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:0 12px 12px 0;max-width:440px}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}.warn{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;margin:8px 0}.demo{background:#ffebe9;border-color:#cf222e}code{font-size:12px}small{color:#59636e}"

    func field(_ path: [String]) -> JSONValue? {
        var value: JSONValue? = .object(report)
        for key in path {
            guard case .object(let o)? = value else { return nil }
            value = o[key]
        }
        return value
    }

    func text(_ path: [String]) -> String {
        switch field(path) {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        case .double(let d)?: return String(d)
        case .bool(let b)?: return String(b)
        case nil, .null?: return "—"
        case let v?: return JSONWriter(style: .compact).string(v)
        }
    }

    public func html() -> String {
        let e = HTMLReport.escape
        let dims = generatedStatistics.dimension
        let isDemo = text(["run", "configuration", "source", "inception", "weights"]) == "demo"
        var page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\"><title>janus-eval fid</title><style>\(Self.style)</style></head><body>"
        let source: String
        if case .object(let s)? = field(["run", "configuration", "source"]), case .string(let model)? = s["model"] {
            source = "images drawn by \(model)"
        } else {
            source = "images of " + text(["run", "configuration", "source", "folder"])
        }
        page += "<h1>FID: \(e(source)) vs \(e(text(["run", "configuration", "data", "reference"])))</h1>"
        if isDemo {
            page += "<div class=\"warn demo\"><b>Demo network.</b> These numbers come from an Inception-v3 with seeded random weights made in memory (<code>--inception-weights demo</code>): they are meaningless and comparable with nothing but another demo run. They only show the FID pipeline at work.</div>"
        }
        page += "<div class=\"card\"><div>FID</div><div class=\"big\">\(String(format: "%.4f", fid.value))</div><small>Fréchet distance between Gaussians fitted to the \(dims)-d Inception features of the two sets: ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^½). 0 means identical statistics; lower is better. Raw units: only comparable between runs with the same network, preprocessing, dims and reference — and biased upwards for small sets.</small></div>"
        if let kid {
            page += "<div class=\"card\"><div>KID</div><div class=\"big\">\(String(format: "%.6f", kid.mean)) <small>± \(String(format: "%.6f", kid.std))</small></div><small>Kernel inception distance: the unbiased MMD² between the feature sets with the kernel (x·y/d + 1)³, mean ± std over \(kid.subsets) subsets of \(kid.subsetSize). About 0 for sets from one distribution (it can be slightly negative); lower is better; unbiased, so kinder than FID to small sets. Papers often print it ×10³.\(kid.subsetSize >= min(generated.features.count, reference?.features.count ?? Int.max) ? " Here every subset is a whole set, so the std is 0." : "")</small></div>"
        } else {
            page += "<div class=\"card\"><div>KID</div><div class=\"big\">—</div><small>Needs the features of both sides (a reference folder, or statistics saved with <code>fid-stats --features</code>) and at least two images each.</small></div>"
        }
        var shown = warnings
        if isDemo { shown.removeAll { $0.contains("demo Inception") } }
        for w in shown { page += "<div class=\"warn\">⚠ \(e(w))</div>" }

        page += "<h2>Settings</h2><table>"
        let referenceCount = reference.map { String($0.features.count) } ?? text(["summary", "reference_count"])
        let rows: [(String, String)] = [
            ("preprocessing (fid mode)", text(["run", "configuration", "rule_set", "settings", "fid_mode"])),
            ("feature dims", String(dims)),
            ("rule set", text(["run", "configuration", "rule_set", "id"]) + " — " + text(["run", "configuration", "rule_set", "reference"])),
            ("Inception weights", text(["run", "environment", "inception_weights"])),
            ("weights sha256", text(["run", "configuration", "source", "inception", "sha256"])),
            ("images", "\(generated.features.count) (\(generated.fromCache) features from the cache) in \(imageFolder)"),
            ("reference", text(["run", "configuration", "data", "reference"]) + " (" + text(["run", "configuration", "data", "reference_kind"]) + ", \(referenceCount) images)"),
            ("reference sha256", text(["run", "configuration", "data", "reference_sha256"])),
            ("covariance", text(["run", "configuration", "rule_set", "settings", "covariance"]) + (fid.usedEpsilon ? "; ε = 1e-6 added to both diagonals (singular product)" : "")),
            ("KID", text(["run", "configuration", "rule_set", "settings", "kid"])),
            ("model settings", text(["run", "configuration", "settings"])),
            ("feature time", String(format: "%.1f s", generated.seconds)),
            ("host", text(["run", "environment", "cpu"]) + ", " + text(["run", "environment", "threads"]) + " threads"),
        ]
        for (k, v) in rows { page += "<tr><th>\(e(k))</th><td><code>\(e(v))</code></td></tr>" }
        page += "</table>"

        page += "<h2>Covariance spectra</h2><p><small>Eigenvalues of Σ of each set, largest first, log scale. A set of n images has at most n − 1 non-zero eigenvalues: where a curve falls to the floor, its covariance is singular and FID leans on too few images.</small></p>"
        page += spectrumChart()
        page += "<h2>Distance to the reference mean</h2><p><small>Per image, ‖feature − μ_reference‖. Generated images far to the right of the reference's own distances are atypical for the reference.</small></p>"
        page += histogram()
        page += thumbnailsSection()
        return page + "</body></html>\n"
    }

    /// Eigenvalues, descending; nil when the decomposition fails.
    static func spectrum(_ s: GaussianStatistics) -> [Double]? {
        guard let values = try? DoubleMatrix.symmetricEigen(s.sigma, d: s.dimension, vectors: false).values else { return nil }
        return values.sorted(by: >)
    }

    func spectrumChart() -> String {
        let series = [("generated", "#0969da", Self.spectrum(generatedStatistics)), ("reference", "#cf222e", Self.spectrum(referenceStatistics))]
        let all = series.compactMap(\.2).flatMap { $0 }.filter { $0 > 0 }
        guard let top = all.max(), let bottom = all.min() else { return "<p>(no spectrum: the covariances could not be decomposed)</p>" }
        let (w, h, pad) = (760.0, 260.0, 44.0)
        let hi = log10(top), lo = max(log10(bottom), hi - 12)
        let floor = pow(10, lo)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\" aria-label=\"covariance spectra\"><rect x=\"\(pad)\" y=\"8\" width=\"\(w - pad - 8)\" height=\"\(h - pad - 8)\" fill=\"none\" stroke=\"#d0d7de\"/>"
        for (i, (name, colour, values)) in series.enumerated() {
            guard let values, values.count > 1 else { continue }
            var points: [String] = []
            for (k, v) in values.enumerated() {
                let x = pad + (w - pad - 8) * Double(k) / Double(values.count - 1)
                let y = 8 + (h - pad - 8) * (hi - log10(max(v, floor))) / max(hi - lo, 1e-9)
                points.append(String(format: "%.1f,%.1f", x, y))
            }
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
            svg += "<text x=\"\(Int(w) - 150)\" y=\"\(26 + 16 * i)\" fill=\"\(colour)\" font-size=\"12\">\(name)</text>"
        }
        svg += String(format: "<text x=\"4\" y=\"18\" font-size=\"11\">%.0e</text><text x=\"4\" y=\"%.0f\" font-size=\"11\">%.0e</text>", top, h - pad, floor)
        svg += "<text x=\"\(pad)\" y=\"\(Int(h) - 14)\" font-size=\"11\">eigenvalue index 1 … \(generatedStatistics.dimension)</text></svg>"
        return svg
    }

    static func distances(_ features: [[Float]], to mu: [Double]) -> [Double] {
        features.map { row in
            var sum = 0.0
            for (x, m) in zip(row, mu) { let d = Double(x) - m; sum += d * d }
            return sum.squareRoot()
        }
    }

    func histogram() -> String {
        let mu = referenceStatistics.mu
        var series = [("generated", "#0969da", Self.distances(generated.features, to: mu))]
        if let reference { series.append(("reference", "#cf222e", Self.distances(reference.features, to: mu))) }
        let all = series.flatMap(\.2)
        guard let lo = all.min(), let hi = all.max() else { return "" }
        let bins = 24
        let width = max(hi - lo, 1e-12) / Double(bins)
        let counts = series.map { s in
            var c = [Int](repeating: 0, count: bins)
            for v in s.2 { c[min(bins - 1, Int((v - lo) / width))] += 1 }
            return c
        }
        let peak = Double(counts.flatMap { $0 }.max() ?? 1)
        let (w, h, pad) = (760.0, 220.0, 30.0)
        let barWidth = (w - 2 * pad) / Double(bins) / Double(series.count)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" role=\"img\" aria-label=\"distance histogram\">"
        for (si, s) in series.enumerated() {
            for b in 0..<bins where counts[si][b] > 0 {
                let bh = (h - 2 * pad) * Double(counts[si][b]) / peak
                let x = pad + (w - 2 * pad) * Double(b) / Double(bins) + barWidth * Double(si)
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"><title>%d</title></rect>", x, h - pad - bh, barWidth, bh, s.1, counts[si][b])
            }
            svg += "<text x=\"\(Int(w) - 160)\" y=\"\(16 + 16 * si)\" fill=\"\(s.1)\" font-size=\"12\">\(s.0) (\(s.2.count))</text>"
        }
        svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%.3g</text><text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%.3g</text>", pad, h - 10, lo, w - pad, h - 10, hi)
        return svg + "</svg>"
    }

    func thumbnailsSection() -> String {
        var out = ""
        for id in generated.ids.prefix(thumbnails) {
            let path = imageFolder + "/" + id
            guard let data = FileManager.default.contents(atPath: path), data.count <= thumbnailBytes else { continue }
            let mime = ImageDecoder.format(of: data) == .jpeg ? "image/jpeg" : "image/png"
            out += "<figure style=\"display:inline-block;margin:4px\"><img alt=\"\(HTMLReport.escape(id))\" width=\"96\" height=\"96\" style=\"object-fit:contain;image-rendering:pixelated\" src=\"data:\(mime);base64,\(data.base64EncodedString())\"><figcaption><small>\(HTMLReport.escape(id))</small></figcaption></figure>"
        }
        return out.isEmpty ? "" : "<h2>First images</h2>" + out
    }
}
