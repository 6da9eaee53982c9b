import Foundation
import Formats
import Scorers
import Tensors
import Testing
import TestSupport

/// GenEval's detector pipeline and mmdet 2.x's MaskFormerFusionHead instance post-processing vs the Python
/// re-implementation in tools/reference/make_mask2former_fixtures.py (cv2 resize, transformers' logits, mmdet's rules).
@Suite struct Mask2FormerInstanceTests {
    @Test func resizeEqualsOpenCVInterLinear() throws {
        let doc = try JSONReader.parse(file: FixturePaths.path("mask2former/resize/cv2_resize.json"))
        let blob = [UInt8](try Data(contentsOf: FixturePaths.url("mask2former/resize/cv2_resize.bin")))
        for c in try doc.cursor.array("cases") {
            let (w, h, nw, nh) = (try c.int("width"), try c.int("height"), try c.int("new_width"), try c.int("new_height"))
            let so = try c.int("source_offset"), ro = try c.int("result_offset")
            let source = RGBImage(width: w, height: h, pixels: Array(blob[so..<(so + w * h * 3)]))
            let want = Array(blob[ro..<(ro + nw * nh * 3)])
            let got = OpenCVLinearResize.resize(source, width: nw, height: nh).pixels
            let differing = zip(got, want).filter { $0 != $1 }.count
            #expect(differing == 0, "\(w)×\(h) → \(nw)×\(nh): \(differing) of \(want.count) bytes differ from cv2.resize")
        }
    }

    @Test func instancesEqualMMDetPostprocessing() throws {
        let folder = "mask2former/tiny"
        let config = try Mask2FormerConfig.load(path: FixturePaths.path(folder + "/config.json"))
        let model = try Mask2FormerModel(config: config, weights: try SafetensorsFile(path: FixturePaths.path(folder + "/model.safetensors")))
        let doc = try JSONReader.parse(file: FixturePaths.path(folder + "/expected_instances.json"))
        for c in try doc.cursor.array("cases") {
            let name = try c.string("image")
            let image = try ImageDecoder.read(file: FixturePaths.path(folder + "/" + name))
            let input = try GenEvalDetectorPipeline()(image)
            let resized = try c.array("resized").map { try $0.asInt() }, padded = try c.array("padded").map { try $0.asInt() }
            #expect([input.resized.0, input.resized.1] == resized && [input.padded.0, input.padded.1] == padded, "\(name) sizes")
            var digest = SHA256()
            digest.update(input.resizedImage.pixels)
            let wantDigest = try c.string("resized_sha256")
            #expect(digest.finalize() == wantDigest, "\(name): resized image differs from cv2.resize")
            let sum = input.pixels.toFloats().reduce(0.0) { $0 + Double($1) }
            let wantSum = try c.double("pixels_abs_sum")
            let absSum = input.pixels.toFloats().reduce(0.0) { $0 + abs(Double($1)) }
            #expect(abs(absSum - wantSum) <= 1e-6 * wantSum, "\(name): Σ|pixels| \(absSum) vs \(wantSum)")
            let wantSigned = try c.double("pixels_sum")
            #expect(abs(sum - wantSigned) <= 1e-6 * wantSum, "\(name): Σ pixels")

            let logits = try model(input.pixels)
            let instances = MaskFormerInstances.postprocess(classLogits: logits.classLogits, maskLogits: logits.maskLogits,
                                                            padded: input.padded, resized: input.resized, original: input.original,
                                                            maxPerImage: try c.int("max_per_image"))
            let expected = try c.array("instances")
            #expect(instances.count == expected.count, "\(name): \(instances.count) instances, expected \(expected.count)")
            var flipped = 0, flippedOutsideMargin = 0, worstScore = 0.0
            for (got, want) in zip(instances, expected) {
                let (query, label) = (try want.int("query"), try want.int("label"))
                let box = try want.array("box").map { try $0.asInt() }
                #expect(got.query == query && got.label == label, "\(name): instance order")
                #expect(got.box == box, "\(name) query \(got.query): box \(got.box) vs \(box)")
                let score = try want.double("score"), classScore = try want.double("class_score")
                worstScore = max(worstScore, abs(Double(got.score) - score))
                #expect(abs(Double(got.score) - score) <= 1e-5 * max(score, 1e-3), "\(name) query \(got.query): score \(got.score) vs \(score)")
                #expect(abs(Double(got.classScore) - classScore) <= 1e-5 * classScore, "\(name): class score")
                let rows = try want.array("mask_rows").map { try $0.asString() }.joined()
                let near = Set(try want.array("near_threshold").map { try $0.asInt() })
                for (i, (bit, char)) in zip(got.mask, rows).enumerated() where bit != (char == "1") {
                    flipped += 1
                    if !near.contains(i) { flippedOutsideMargin += 1 }
                }
            }
            print("Mask2Former instances \(name): \(instances.count) instances, \(flipped) mask pixels differ (\(flippedOutsideMargin) away from the threshold), max |Δscore| \(worstScore)")
            #expect(flipped == 0, "\(name): \(flipped) mask pixels differ")
        }
    }
}
