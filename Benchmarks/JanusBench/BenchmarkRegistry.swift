import Foundation

/// A named benchmark: one file per benchmark plus one line in `BenchmarkRegistry.all`.
struct Benchmark: Sendable {
    let name: String
    let summary: String
    let run: @Sendable (inout BenchmarkReport) -> Void
}

/// Rows of results, printed as a table and optionally as JSON.
struct BenchmarkReport {
    var rows: [[String: String]] = []
    mutating func add(_ row: [(String, String)]) {
        rows.append(Dictionary(uniqueKeysWithValues: row))
        print(row.map { "\($0.0)=\($0.1)" }.joined(separator: "  "))
        fflush(nil)
    }
}

enum BenchmarkRegistry {
    static let all: [Benchmark] = [
        Benchmark(name: "environment", summary: "OpenBLAS core, SIMD level, thread settings", run: EnvironmentBenchmark.run),
        Benchmark(name: "bandwidth", summary: "memory read bandwidth (STREAM-like sum, 1 GiB)", run: BandwidthBenchmark.run),
        Benchmark(name: "matmul", summary: "sgemm through our wrapper vs raw cblas at 1024² and 2048²", run: MatmulBenchmark.run),
        Benchmark(name: "gemv", summary: "bf16-weight GEMV GB/s, hot and cache-cold, M = 1, 2, 8 (f32 activations) and 2, 4, 8 (bf16)", run: GemvBenchmark.run),
        Benchmark(name: "dotrate", summary: "one core's register-only GFLOP/s of VDPBF16PS and of f32 FMAs (KernelDispatch.bf16DotsOutrunFMA)", run: DotRateBenchmark.run),
        Benchmark(name: "linear", summary: "a 5632×2048 bf16 weight times 1–600 rows: f32, bf16 on AMX tiles, bf16 without AMX", run: LinearPathsBenchmark.run),
        Benchmark(name: "conv", summary: "3×3 convolutions of the VQ decoder's shapes, GFLOP/s: f32 shifted sgemm and AVX-512 direct, bf16 on AMX tiles, bf16 dot products (alternated)", run: ConvBenchmark.run),
        Benchmark(name: "upconv", summary: "nearest ×2 + 3×3 conv at the VAE and VQ decoders' shapes: upsample-then-convolve vs four 2×2 phases, f32 and bf16 (alternated)", run: UpsampledConvBenchmark.run),
        Benchmark(name: "vae", summary: "SDXL-VAE decode of a 48×48 latent ($JANUS_BENCH_VAE): f32, bf16 (AMX where usable), bf16 without AMX; compare tools/reference/bench_vae_reference.py", run: VAEBenchmark.run),
        Benchmark(name: "tokenizer", summary: "DeepSeek tokenizer: load tokenizer.json, encode 1 MB", run: TokenizerBenchmark.run),
        Benchmark(name: "janus", summary: "full-size checkpoint ($JANUS_BENCH_WEIGHTS): prefill, decode, guidance steps, VQ decode", run: JanusModelBenchmark.run),
        Benchmark(name: "jpeg", summary: "JPEG decode to RGB megapixels/s per file of $JANUS_BENCH_JPEG_DIR (compare tools/reference/bench_jpeg_pillow.py)", run: JPEGBenchmark.run),
        Benchmark(name: "clip", summary: "CLIP ViT-L/14 ($JANUS_BENCH_CLIP): image and text embeddings, one colour classification (compare tools/reference/bench_clip_reference.py)", run: CLIPBenchmark.run),
        Benchmark(name: "batch", summary: "cross-prompt batching on $JANUS_BENCH_WEIGHTS: GenEval prompts × 4 images, 1/4/8/16 prompts in flight: ms/step, images/hour, identical tokens, peak RSS", run: BatchedGenerationBenchmark.run),
        Benchmark(name: "pope", summary: "POPE-shaped run on $JANUS_BENCH_WEIGHTS with and without prompt-prefix reuse, f32 and bf16: items/hour, identical tokens, peak RSS", run: PrefixReuseBenchmark.run),
        Benchmark(name: "fid", summary: "Fréchet distance at d = 2048 (eigen route, LAPACK dsyevd)", run: FIDBenchmark.run),
        Benchmark(name: "inception", summary: "fid-stats images/s: FID Inception-v3 pool3 on $JANUS_BENCH_INCEPTION_DIR (compare tools/reference/bench_inception_pytorch_fid.py)", run: InceptionBenchmark.run),
        Benchmark(name: "janusflow", summary: "JanusFlow on $JANUS_BENCH_JANUSFLOW + $JANUS_BENCH_VAE: flow step s at P = 1, 4, VAE decode, s/image (compare tools/reference/bench_janusflow_reference.py)", run: JanusFlowBenchmark.run),
        Benchmark(name: "mask2former", summary: "Mask2Former Swin-S on $JANUS_BENCH_MASK2FORMER (tools/reference/bench_mask2former_reference.py): parity and images/s", run: Mask2FormerBenchmark.run),
    ]
}

/// Median of `repeats` timings of `body`, in seconds.
func medianSeconds(repeats: Int, warmup: Int = 1, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    return times[times.count / 2]
}

func format(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
