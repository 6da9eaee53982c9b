import Foundation
import Formats
import Harness
import Scorers
import Testing
import TestSupport

/// `run fid`: image folders (flat, GenEval's nested layout, a run folder), a model's generations with resume, the
/// report page, and compare/gate on FID runs (set-level metrics: judged by the margin alone).
@Suite(.serialized) struct FIDRunTests {
    static let tinyWeights = FixturePaths.path("inception/tiny/inception_tiny.pth")
    static let imagesA = FixturePaths.path("inception/images/a"), imagesB = FixturePaths.path("inception/images/b")

    static func request(images: String, reference: String, out: String) -> FIDRun.Request {
        var r = FIDRun.Request(images: images, reference: reference)
        r.out = out; r.weights = tinyWeights; r.dims = 128; r.cacheRoot = nil
        return r
    }

    /// Copies a flat folder's images into GenEval's layout: one prompt folder per two images.
    static func nested(_ flat: String, into root: String) throws -> Int {
        let fm = FileManager.default
        let names = try ImageFolderListing.images(in: flat, mode: .pytorchFID)
        for (i, name) in names.enumerated() {
            let folder = root + String(format: "/%05d/samples", i / 2)
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try fm.copyItem(atPath: flat + "/" + name, toPath: folder + String(format: "/%05d.png", i % 2))
        }
        return names.count
    }

    @Test func imageFoldersFlatNestedAndRunFolder() throws {
        let dir = FixturePaths.temporaryDirectory("fid-run-images")
        let flat = try FIDRun.run(Self.request(images: Self.imagesA, reference: Self.imagesB, out: dir.path + "/flat"))
        #expect(flat.images == 8 && flat.referenceCount == 8 && flat.kid != nil)
        let fid = try #require(flat.fid)
        #expect(fid > 0 && fid.isFinite)
        // GenEval's nested layout (JPEGs copied under .png names decode by signature) finds the same 8 images; the
        // order differs, and FID does not depend on it.
        let nestedRoot = dir.path + "/geneval-run/images"
        #expect(try Self.nested(Self.imagesA, into: nestedRoot) == 8)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir.path + "/geneval-run/run.json"))
        for images in [nestedRoot, dir.path + "/geneval-run"] {
            let nested = try FIDRun.run(Self.request(images: images, reference: Self.imagesB, out: dir.path + "/nested-\(images.hasSuffix("images"))"))
            #expect(nested.images == 8)
            #expect(abs(try #require(nested.fid) - fid) <= 1e-6 * fid)   // last bits: image order, concurrent tests' BLAS threading
        }
        // report.json: fid and kid lower-is-better, raw; the page shows numbers, settings, warnings and both charts.
        let report = try JSONReader.parse(file: flat.reportPath).cursor
        #expect(try report.field("metrics").field("fid").field("higher_is_better").asBool() == false)
        #expect(try report.field("metrics").field("fid").field("value").asDouble() == fid)
        let page = try String(contentsOfFile: flat.htmlPath, encoding: .utf8)
        for needle in ["Fréchet distance", "Kernel inception distance", "Settings", "feature dims", "weights sha256",
                       "Covariance spectra", "Distance to the reference mean", "only 8 samples for 128 dimensions", "<svg", "<polyline"] {
            #expect(page.contains(needle), "report.html lacks \(needle)")
        }
        #expect(!page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("://"), "self-contained: no URL but the SVG namespace")
        // Rerunning into the folder with another configuration is refused; --fresh starts over.
        var other = Self.request(images: Self.imagesA, reference: Self.imagesB, out: dir.path + "/flat")
        other.mode = .clean
        #expect(throws: HarnessError.self) { _ = try FIDRun.run(other) }
        other.fresh = true
        #expect(try FIDRun.run(other).fid != nil)
    }

    @Test func modelGenerationsResumeWithoutRedrawing() throws {
        let dir = FixturePaths.temporaryDirectory("fid-run-model")
        let prompts = dir.path + "/prompts.txt"
        try "a red cube\n\nthe blue sky\r\na green apple\n".write(toFile: prompts, atomically: true, encoding: .utf8)
        func request(_ out: String) -> FIDRun.Request {
            var r = FIDRun.Request(model: .preset("demo"), reference: Self.imagesB)
            r.data = prompts; r.samplesPerPrompt = 2; r.weights = DemoInception.name; r.cacheRoot = nil; r.out = dir.path + "/" + out
            r.batchImages = 2   // one prompt per generation batch: a stop lands after each prompt
            return r
        }
        // Stopped after the first prompt: its two images are in the journal, no FID yet.
        var checks = 0
        let stopped = try FIDRun.run(request("resumed"), shouldStop: { checks += 1; return checks > 1 })
        #expect(stopped.interrupted && stopped.drawn == 2 && stopped.fid == nil)
        let finished = try FIDRun.run(request("resumed"), shouldStop: { false })
        #expect(!finished.interrupted && finished.resumed == 2 && finished.drawn == 4 && finished.images == 6)
        let whole = try FIDRun.run(request("whole"), shouldStop: { false })
        // The same images (checked byte for byte below) give the same FID; tests running concurrently change how
        // OpenBLAS threads the Inception products, which moves the last bits of the features, hence the tolerance.
        #expect(whole.drawn == 6)
        let (a, b) = (try #require(whole.fid), try #require(finished.fid))
        #expect(abs(a - b) <= 1e-6 * abs(a), "FID \(a) vs \(b)")
        for k in 0..<2 {
            let path = "/images/00002/samples/" + String(format: "%05d.png", k)
            #expect(FileManager.default.contents(atPath: finished.folder + path) == FileManager.default.contents(atPath: whole.folder + path))
        }
        let metadata = try String(contentsOfFile: whole.folder + "/images/00001/metadata.jsonl", encoding: .utf8)
        #expect(metadata == #"{"prompt": "the blue sky"}"#)
        // The demo network is recorded as such and the page says the numbers mean nothing.
        let run = try JSONReader.parse(file: whole.folder + "/run.json").cursor
        #expect(try run.field("configuration").field("source").field("inception").string("weights") == "demo")
        #expect(try run.field("configuration").field("data").string("prompts_kind") == "prompt-list")
        #expect(try String(contentsOfFile: whole.htmlPath, encoding: .utf8).contains("they are meaningless"))
        // A model run is found again by `--images <run folder>` and scores the same.
        var images = FIDRun.Request(images: whole.folder, reference: Self.imagesB)
        images.weights = DemoInception.name; images.cacheRoot = nil; images.out = dir.path + "/again"
        #expect(abs(try #require(FIDRun.run(images).fid) - a) <= 1e-6 * abs(a))
    }

    @Test func compareAndGateJudgeFIDByTheMarginAlone() throws {
        let dir = FixturePaths.temporaryDirectory("fid-run-gate")
        let near = try FIDRun.run(Self.request(images: Self.imagesB, reference: Self.imagesB, out: dir.path + "/near"))
        let far = try FIDRun.run(Self.request(images: Self.imagesA, reference: Self.imagesB, out: dir.path + "/far"))
        let (a, b) = (try LoadedReport(path: near.folder), try LoadedReport(path: far.folder))
        let worsening = try #require(far.fid) - (try #require(near.fid))
        #expect(worsening > 0)
        let regressed = try Gate(baseline: a, candidate: b, metrics: ["fid"], maxDrop: worsening / 2).evaluate()
        #expect(regressed.regressed && !regressed.paired && regressed.verdicts[0].p == nil)
        #expect(regressed.verdicts[0].explanation.contains("margin alone"))
        #expect(Gate.markdown(regressed).contains("judged by the margin"))
        #expect(!(try Gate(baseline: a, candidate: b, metrics: ["fid"], maxDrop: worsening * 2).evaluate().regressed))
        #expect(!(try Gate(baseline: b, candidate: a).evaluate().regressed), "better is not a regression")
        let comparison = try RunComparison(runs: [a, b])
        #expect(comparison.rows[0].map(\.id) == ["fid", "kid"] && comparison.rows[0][0].test == PairedMetrics.unpaired)
        #expect(comparison.text().contains("no per-item pairing"))
        // Another reference is refused (exit 2 in the CLI), as is another dims.
        let otherReference = try FIDRun.run(Self.request(images: Self.imagesA, reference: Self.imagesA, out: dir.path + "/other"))
        let refused = #expect(throws: GateError.self) { _ = try Gate(baseline: a, candidate: try LoadedReport(path: otherReference.folder)).evaluate() }
        #expect(try #require(refused).description.contains("different references"))
        var small = Self.request(images: Self.imagesA, reference: Self.imagesB, out: dir.path + "/dims48")
        small.dims = 48
        let otherDims = try FIDRun.run(small)
        #expect(throws: GateError.self) { _ = try RunComparison(runs: [a, try LoadedReport(path: otherDims.folder)]) }
    }
}
