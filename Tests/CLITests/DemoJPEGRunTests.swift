import Foundation
import Formats
import Testing
import TestSupport

/// The demo model end to end over JPEG inputs (tools/reference/make_demo_jpeg.py): POPE over COCO-named JPEG files
/// (`--images-root`) and MMBench over a TSV of base64 JPEGs; exit 0 and every item scored, as many as the PNG demo.
@Suite(.serialized) struct DemoJPEGRunTests {
    static let root = FixturePaths.repositoryRoot.path

    private func items(_ out: String) throws -> [JSONValue] {
        let doc = try JSONReader.parse(file: out + "/report.json")
        guard case .object(let o) = doc.root, case .array(let items)? = o["items"] else { return [] }
        return items
    }

    private func pngCount(_ suite: String) throws -> Int {
        try items(Self.root + "/reports/baselines/demo-\(suite)").count
    }

    @Test func popeOverCOCONamedJPEGs() throws {
        let out = FixturePaths.temporaryDirectory("demo-pope-jpeg").appendingPathComponent("run").path
        let data = Self.root + "/suites/demo/pope-jpeg"
        let r = try CLIRunner.run(["run", "pope", "--model", "demo", "--data", data, "--images-root", data + "/images", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let all = try items(out)
        #expect(all.count == (try pngCount("pope")) && all.count == 36)
        for item in all {
            guard case .object(let o) = item else { Issue.record("item is not an object"); continue }
            #expect(o["correct"] == .bool(true) || o["correct"] == .bool(false), "\(item)")
            if case .object(let fields)? = o["fields"], case .string(let image)? = fields["image"] {
                #expect(image.hasSuffix(".jpg"))
            }
        }
    }

    @Test func mmbenchOverBase64JPEGs() throws {
        let out = FixturePaths.temporaryDirectory("demo-mmbench-jpeg").appendingPathComponent("run").path
        let r = try CLIRunner.run(["run", "mmbench", "--model", "demo", "--data",
                                   Self.root + "/suites/demo/mmbench/MMBench_demo_jpeg.tsv", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let all = try items(out)
        #expect(all.count == (try pngCount("mmbench")) && all.count == 31)
        for item in all {
            guard case .object(let o) = item else { Issue.record("item is not an object"); continue }
            #expect(o["correct"] == .bool(true) || o["correct"] == .bool(false), "\(item)")
        }
    }

    @Test func imagesAndImagesRootTogetherAreRefused() throws {
        let data = Self.root + "/suites/demo/pope-jpeg"
        let r = try CLIRunner.run(["run", "pope", "--model", "demo", "--data", data, "--images", data + "/images",
                                   "--images-root", data + "/images"])
        #expect(r.status == 64 && r.stderr.contains("--images-root"), "\(r.status) \(r.stderr)")  // a ValidationError, as every other bad option combination
    }
}
