import Foundation
import Scorers
import Tensors

/// `fid-stats` throughput: images/s of the FID Inception-v3 (pool3, pytorch-fid preprocessing, no cache) on the
/// images of $JANUS_BENCH_INCEPTION_DIR (default /tmp/janus-inception-bench, written by
/// tools/reference/bench_inception_pytorch_fid.py, which times pytorch-fid's get_activations on the same files),
/// with the weights of $JANUS_BENCH_INCEPTION_WEIGHTS (default /work/ckpt/inception/pt_inception-random.pth).
/// $JANUS_BENCH_INCEPTION_BATCH sets the batch (default 16); one warm-up pass over the first batch, then one timed pass,
/// or $JANUS_BENCH_INCEPTION_PASSES timed passes (images_per_s from the median pass, best_images_per_s from the
/// fastest: on a loaded machine the fastest pass is the steadiest A/B measure of the kernels).
enum InceptionBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        let dir = env["JANUS_BENCH_INCEPTION_DIR"] ?? "/tmp/janus-inception-bench"
        let weights = env["JANUS_BENCH_INCEPTION_WEIGHTS"] ?? "/work/ckpt/inception/pt_inception-random.pth"
        let batch = Int(env["JANUS_BENCH_INCEPTION_BATCH"] ?? "") ?? 16
        let passes = max(1, Int(env["JANUS_BENCH_INCEPTION_PASSES"] ?? "") ?? 1)
        guard let ids = try? ImageFolderListing.images(in: dir, mode: .pytorchFID), FileManager.default.fileExists(atPath: weights) else {
            report.add([("benchmark", "inception"), ("skipped", "needs images in \(dir) (tools/reference/bench_inception_pytorch_fid.py) and weights \(weights)")])
            return
        }
        do {
            let network = try InceptionV3(file: weights)
            let extractor = InceptionFeatureExtractor(network: network, weightsDigest: "bench", mode: .pytorchFID, block: 3,
                                                      batchSize: batch, cacheRoot: nil)
            let files = ids.map { dir + "/" + $0 }
            _ = try extractor.features(files: Array(files.prefix(batch)))
            var times: [Double] = []
            for _ in 0..<passes {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try extractor.features(files: files)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            let seconds = times.sorted()[(times.count - 1) / 2]
            var fields = [("benchmark", "inception"), ("images", "\(files.count)"), ("batch", "\(batch)"), ("threads", "\(Parallel.threadCount)"),
                          ("seconds", format(seconds, 2)), ("images_per_s", format(Double(files.count) / seconds, 2))]
            if passes > 1 {
                fields += [("passes", "\(passes)"), ("best_images_per_s", format(Double(files.count) / times.min()!, 2)),
                           ("pass_seconds", times.map { format($0, 2) }.joined(separator: ","))]
            }
            report.add(fields)
        } catch {
            report.add([("benchmark", "inception"), ("error", "\(error)")])
        }
    }
}
