import Foundation
import Scorers
import Tensors

/// `fid-stats` throughput: images/s of the FID Inception-v3 (pool3, pytorch-fid preprocessing, no cache) on the
/// images of $JANUS_BENCH_INCEPTION_DIR (default /tmp/janus-inception-bench, written by
/// tools/reference/bench_inception_pytorch_fid.py, which times pytorch-fid's get_activations on the same files),
/// with the weights of $JANUS_BENCH_INCEPTION_WEIGHTS (default /work/ckpt/inception/pt_inception-random.pth).
/// $JANUS_BENCH_INCEPTION_BATCH sets the batch (default 16); one warm-up pass over the first batch, then one timed pass.
enum InceptionBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let env = ProcessInfo.processInfo.environment
        let dir = env["JANUS_BENCH_INCEPTION_DIR"] ?? "/tmp/janus-inception-bench"
        let weights = env["JANUS_BENCH_INCEPTION_WEIGHTS"] ?? "/work/ckpt/inception/pt_inception-random.pth"
        let batch = Int(env["JANUS_BENCH_INCEPTION_BATCH"] ?? "") ?? 16
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
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try extractor.features(files: files)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            report.add([("benchmark", "inception"), ("images", "\(files.count)"), ("batch", "\(batch)"), ("threads", "\(Parallel.threadCount)"),
                        ("seconds", format(seconds, 2)), ("images_per_s", format(Double(files.count) / seconds, 2))])
        } catch {
            report.add([("benchmark", "inception"), ("error", "\(error)")])
        }
    }
}
