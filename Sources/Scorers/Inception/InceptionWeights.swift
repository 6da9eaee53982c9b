import Foundation

/// Where the FID Inception-v3 weights are found: `--inception-weights FILE`, else `$JANUS_EVAL_INCEPTION_WEIGHTS`,
/// else the torch hub cache (`$TORCH_HOME/hub/checkpoints`, default `~/.cache/torch/hub/checkpoints/`, where
/// pytorch-fid and torch-fidelity download them), pytorch-fid's file name first, then torch-fidelity's.
public enum InceptionWeights {
    public static let pytorchFIDFile = "pt_inception-2015-12-05-6726825d.pth"
    public static let pytorchFIDURL = "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth"
    public static let torchFidelityFile = "weights-inception-2015-12-05-6726825d.pth"
    public static let torchFidelityURL = "https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/weights-inception-2015-12-05-6726825d.pth"

    /// torch.hub's checkpoint folder: $TORCH_HOME/hub/checkpoints, else $XDG_CACHE_HOME/torch/hub/checkpoints, else ~/.cache/….
    public static func hubCheckpoints(environment: [String: String]) -> String {
        if let home = environment["TORCH_HOME"], !home.isEmpty { return home + "/hub/checkpoints" }
        let cache = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return cache + "/torch/hub/checkpoints"
    }

    /// The weights file to load; an explicit file that does not exist is an error naming it (never a fallback).
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let fm = FileManager.default
        if let explicit {
            guard fm.fileExists(atPath: explicit) else { throw InceptionError.weightsNotFound(searched: ["--inception-weights \(explicit) (no such file)"]) }
            return explicit
        }
        var searched: [String] = []
        if let env = environment["JANUS_EVAL_INCEPTION_WEIGHTS"], !env.isEmpty {
            guard fm.fileExists(atPath: env) else { throw InceptionError.weightsNotFound(searched: ["$JANUS_EVAL_INCEPTION_WEIGHTS=\(env) (no such file)"]) }
            return env
        }
        searched.append("--inception-weights (not given), $JANUS_EVAL_INCEPTION_WEIGHTS (not set)")
        let hub = hubCheckpoints(environment: environment)
        for name in [pytorchFIDFile, torchFidelityFile] {
            let path = hub + "/" + name
            if fm.fileExists(atPath: path) { return path }
            searched.append(path)
        }
        throw InceptionError.weightsNotFound(searched: searched)
    }
}
