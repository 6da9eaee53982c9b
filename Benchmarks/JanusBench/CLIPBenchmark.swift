import Foundation
import Formats
import Scorers
import Tensors

/// CLIP ViT-L/14 ($JANUS_BENCH_CLIP: a folder in the Hugging Face layout, e.g. the random one
/// tools/reference/make_clip_fixtures.py --vitl DIR writes): image embeddings of a 384×384 image (a Janus image) at
/// batch 1 and 4, the 30 texts of one GenEval colour classifier, and one colour classification. Compare
/// tools/reference/bench_clip_reference.py (transformers' CLIPModel on the same folder).
enum CLIPBenchmark {
    static func image(_ seed: Int) -> RGBImage {
        RGBImage(width: 384, height: 384, pixels: (0..<(384 * 384 * 3)).map { UInt8(truncatingIfNeeded: ($0 * 2654435761 + seed * 97) >> 7) })
    }

    static func run(_ report: inout BenchmarkReport) {
        guard let folder = ProcessInfo.processInfo.environment["JANUS_BENCH_CLIP"] else {
            report.add([("benchmark", "clip"), ("skipped", "set JANUS_BENCH_CLIP to a CLIP folder (HF layout)")])
            return
        }
        do {
            let start = DispatchTime.now().uptimeNanoseconds
            let model = try CLIPModel(folder: folder)
            report.add([("benchmark", "clip"), ("step", "load"), ("s", format(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, 2))])
            let images = (0..<4).map(image)
            let one = try model.preprocessor.batch([images[0]]), four = try model.preprocessor.batch(images)
            let t1 = medianSeconds(repeats: 3) { _ = model.imageEmbeddings(pixels: one) }
            report.add([("benchmark", "clip"), ("step", "image batch 1"), ("s", format(t1, 3)), ("images_per_s", format(1 / t1, 3))])
            let t4 = medianSeconds(repeats: 1, warmup: 0) { _ = model.imageEmbeddings(pixels: four) }
            report.add([("benchmark", "clip"), ("step", "image batch 4"), ("s", format(t4, 3)), ("images_per_s", format(4 / t4, 3))])
            let texts = CLIPColorClassifier.colors.flatMap { CLIPColorClassifier.texts(color: $0, className: "car") }
            let ids = try texts.map { try model.tokenizer.tokenize($0) }
            let tt = medianSeconds(repeats: 3) { _ = try! model.textEmbeddings(ids: ids) }
            report.add([("benchmark", "clip"), ("step", "30 classifier texts"), ("s", format(tt, 3))])
            let classifier = CLIPColorClassifier(model: model)
            _ = try classifier.classifier(for: "car")
            let object = ObjectDetection(box: [40, 60, 300, 250], score: 0.9, mask: (0..<(384 * 384)).map { ($0 % 384) > 100 })
            let tc = medianSeconds(repeats: 3) { _ = try! classifier.colors(of: [object], className: "car", in: images[1]) }
            report.add([("benchmark", "clip"), ("step", "colour of one object (classifier cached)"), ("s", format(tc, 3))])
        } catch {
            report.add([("benchmark", "clip"), ("error", "\(error)")])
        }
    }
}
