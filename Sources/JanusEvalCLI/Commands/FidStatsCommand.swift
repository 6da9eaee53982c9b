import ArgumentParser
import Foundation
import Formats
import Scorers
import Tensors

/// The Inception options `fid`, `fid-stats` and `run fid` share.
struct InceptionOptions: ParsableArguments {
    @Option(help: "Feature width: 2048 (pool3, default), 768, 192 or 64 (pytorch-fid's --dims).") var dims = 2048
    @Option(help: "Preprocessing: pytorch-fid (default: Pillow RGB, bilinear to 299 without antialias, [-1, 1]) or clean (clean-fid: Pillow bicubic on float, (x - 128) / 128).")
    var fidMode = "pytorch-fid"
    @Option(help: "The Inception weights (pytorch-fid's pt_inception-2015-12-05-6726825d.pth or torch-fidelity's file). Default: $JANUS_EVAL_INCEPTION_WEIGHTS, else the torch hub cache.")
    var inceptionWeights: String?
    @Flag(help: "Do not read or write the feature cache ($JANUS_EVAL_CACHE_DIR, else $XDG_CACHE_HOME/janus-eval, else ~/.cache/janus-eval; keyed by image content).")
    var noCache = false
    @Option(help: "Images per network batch (results do not depend on it).") var batchSize = 16
    @Option(help: "Compute threads (default: $JANUS_EVAL_THREADS, else every core).") var threads: Int?

    func validate() throws {
        guard FIDPreprocessing(rawValue: fidMode) != nil else { throw ValidationError("--fid-mode is pytorch-fid or clean, not \(fidMode)") }
        guard batchSize >= 1 && batchSize <= 256 else { throw ValidationError("--batch-size must be between 1 and 256") }
        _ = try ThreadSetting.validated(option: threads)
        guard dims > 0 else { throw ValidationError("--dims must be positive") }
    }

    var mode: FIDPreprocessing { FIDPreprocessing(rawValue: fidMode) ?? .pytorchFID }

    /// The Inception network is sgemm-bound. OpenBLAS falls back to its SSE3 "Prescott" kernels on CPUs it does not
    /// recognise (this session's virtualised Xeon); its AVX-512 kernels were ~2.9× faster there (janus-bench inception).
    /// OpenBLAS reads the variable when it loads, so only the user can set it.
    static func noteSlowBLASCore() {
        guard MachineInfo.openBLASCore == "Prescott", ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              KernelDispatch.levelName.hasPrefix("avx512") else { return }
        FileStandardError.write("note: OpenBLAS picked its generic Prescott kernels on this CPU; OPENBLAS_CORETYPE=SkylakeX makes the Inception features about 3× faster here (the parity tests with pytorch-fid pass with either core)\n")
    }

    func extractor() throws -> InceptionFeatureExtractor {
        try ThreadSetting.validated(option: threads).applyWarning()
        Self.noteSlowBLASCore()
        return try InceptionFeatureExtractor(weights: inceptionWeights, mode: mode, dims: dims, batchSize: batchSize,
                                             cacheRoot: noCache ? nil : FeatureCache.defaultRoot())
    }
}

/// Images/s and ETA on standard error: redrawn in place on a terminal, a line every few seconds otherwise.
struct FeatureProgressLine {
    let label: String
    let terminal = isatty(2) != 0
    private var last = Date.distantPast

    init(label: String) { self.label = label }

    mutating func update(_ p: InceptionFeatureExtractor.Progress) {
        let now = Date(), finished = p.done == p.total
        guard finished || now.timeIntervalSince(last) > (terminal ? 0.25 : 5) else { return }
        last = now
        var text = "\(label): \(p.done)/\(p.total) images"
        // A rate (and an ETA from it) only once an image has been computed: images read from the cache have none.
        let computed = p.done - p.fromCache
        if p.fromCache > 0 { text += computed == 0 ? " (all from the cache)" : " (\(p.fromCache) from the cache)" }
        if computed > 0 { text += String(format: ", %.2f images/s", p.imagesPerSecond) }
        if finished { text += String(format: ", %.1fs", p.elapsed) } else if computed > 0 { text += String(format: ", ETA %.0fs", p.etaSeconds) }
        FileStandardError.write(terminal ? "\r" + text + (finished ? "\n" : "  ") : text + "\n")
    }
}

struct FidStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fid-stats",
        abstract: "Compute pytorch-fid compatible Inception statistics for an image folder.",
        discussion: """
            Writes an .npz with `mu` (d) and `sigma` (d × d) in float64, as `python -m pytorch_fid --save-stats` does
            (numpy's np.load reads it); --features also stores the per-image features (n × d, float32) for KID.
            Images: with --fid-mode pytorch-fid the folder's top level, lower-case .png/.jpg/.jpeg (pytorch-fid's
            rule); with clean every sub-folder and upper-case extensions too (clean-fid's). PNG and JPEG are read
            (as Pillow's convert('RGB')). Features are cached per image content (SHA-256 of the file, the weights'
            digest, the mode and the dims), never by name; --no-cache turns that off.

            Examples:
              janus-eval fid-stats images/ -o ref.npz
              janus-eval fid-stats images/ -o ref-clean.npz --fid-mode clean --features
              janus-eval fid-stats images/ -o ref.npz --inception-weights pt_inception-2015-12-05-6726825d.pth
            """)

    @Argument(help: "The image folder.") var folder: String
    @Option(name: [.short, .customLong("output")], help: "The .npz to write.") var output: String
    @Flag(help: "Also store the features (n × d) for KID.") var features = false
    @OptionGroup var inception: InceptionOptions

    func run() throws {
        do {
            let extractor = try inception.extractor()
            var progress = FeatureProgressLine(label: "fid-stats \(folder)")
            let set = try extractor.features(folder: folder) { progress.update($0) }
            let stats = try set.statistics()
            try StatisticsFile.write(stats, features: features ? set.features : nil, to: output)
            for warning in stats.warnings { FileStandardError.write("warning: \(warning)\n") }
            print("wrote \(output): \(set.features.count) images, dims \(extractor.dims), fid-mode \(extractor.mode.rawValue)"
                  + (set.fromCache > 0 ? ", \(set.fromCache) features from the cache" : ""))
        } catch let error as ExitCode {
            throw error
        } catch {
            FileStandardError.write("janus-eval fid-stats: \(error)\n")
            throw ExitCode(1)
        }
    }
}
