import Foundation
import Formats
import Models
import Suites

/// Images drawn by a model inside the harness (`TextToImage`), written in GenEval's layout under the run folder
/// (`images/<NNNNN>/metadata.jsonl` and `samples/<k:05>.png`), then judged on their detections (the detector run
/// here, `DetectorOutputs`, or `--detections`), each image going to the suite with its detections. One generation per
/// prompt group: its seed is derived from the run seed and the prompt's index only, and image k samples with
/// `TextToImageRequest.imageSeed(k)`, so an image never depends on shards, resume points or thread counts.
/// Flow models (JanusFlow) draw image k's initial latents from the same seed (`TextToImageRequest.imageNoise`), or
/// read them from `initNoiseDir/<NNNNN>.npy` ([samples, C, side, side]); `saveNoise` writes the latents used to
/// `noiseFolder/<NNNNN>.npy` (the run folder's `noise/`), so `--init-noise-dir <run>/noise` replays the run.
public final class TextToImageOutputs: ItemOutputSource {
    public let model: any TextToImage
    public let configuration: JSONObject
    public let name: String
    /// Set by the planner once the run folder is known.
    public var imageFolder: String
    public let detections: any DetectionProvider
    let seed: UInt64
    let cfgWeight: Float, temperature: Float
    let metadata: (Int) -> String?
    public private(set) var generationSeconds = 0.0
    /// Flow models: Euler steps (nil: the model's default), replayed noise, saved noise.
    public var steps: Int?
    public var initNoiseDir: String?
    public var saveNoise = false
    /// Set by the planner with `imageFolder`: where `saveNoise` writes.
    public var noiseFolder = ""
    /// Prompts generated together as one guidance batch (`--batch-images` ÷ samples per prompt; cross-prompt
    /// batching). The images do not depend on it.
    public var promptsInFlight = 1
    /// Told (step, steps, prompts) after each step of a generation batch (the CLI's progress line).
    public var onStep: ((Int, Int, Int) -> Void)?

    /// - Parameter metadata: the prompt record (one JSON line) of a prompt index, written beside its images.
    public init(model: any TextToImage, name: String, configuration: JSONObject, imageFolder: String, detections: any DetectionProvider,
                seed: UInt64, cfgWeight: Float, temperature: Float, metadata: @escaping (Int) -> String?) {
        self.model = model; self.name = name; self.configuration = configuration; self.imageFolder = imageFolder
        self.detections = detections; self.seed = seed; self.cfgWeight = cfgWeight; self.temperature = temperature
        self.metadata = metadata
    }

    public var timings: JSONObject? {
        var t = (detections as? DetectorOutputs)?.timings ?? JSONObject()
        t["generation_s"] = .double(generationSeconds)
        return t
    }

    /// The seed of prompt `index`'s generation.
    public static func promptSeed(run seed: UInt64, prompt index: Int) -> UInt64 {
        TextToImageRequest(prompt: "", seed: seed).imageSeed(1_000_003 &* index &+ 17)
    }

    /// The generation step, as FID's generation run shares it.
    public var drawer: PromptImageDrawer {
        var drawer = PromptImageDrawer(model: model, seed: seed, cfgWeight: cfgWeight, temperature: temperature, steps: steps,
                                       initNoiseDir: initNoiseDir, saveNoise: saveNoise, imageFolder: imageFolder, noiseFolder: noiseFolder)
        drawer.onStep = onStep
        return drawer
    }

    public var groupsPerCall: Int { model.batchesPrompts ? max(1, promptsInFlight) : 1 }

    public func outputs(for items: [SuiteItem], group: String, groupIndex: Int) -> [String: Result<ItemOutput, any Error>] {
        outputs(forGroups: [(items, group, groupIndex)])[0]
    }

    /// Each group is one prompt; the prompts are drawn as one batch (`PromptImageDrawer.draw(_:)`), then each image
    /// is detected and handed to the suite.
    public func outputs(forGroups groups: [(items: [SuiteItem], group: String, groupIndex: Int)]) -> [[String: Result<ItemOutput, any Error>]] {
        var results = [[String: Result<ItemOutput, any Error>]](repeating: [:], count: groups.count)
        var jobs: [(slot: Int, job: PromptImageDrawer.Job)] = []
        for (slot, g) in groups.enumerated() {
            guard case .image(let prompt, _, let samples)? = g.items.first?.request, let index = Int(g.group) else {
                results[slot] = Dictionary(uniqueKeysWithValues: g.items.map { ($0.id, .failure(HarnessError.usage("item \($0.id) does not ask for an image"))) })
                continue
            }
            jobs.append((slot, PromptImageDrawer.Job(prompt: prompt, samples: samples, group: g.group, index: index, metadataLine: metadata(index))))
        }
        let start = Date()
        let drawn = drawer.draw(jobs.map(\.job))
        generationSeconds += Date().timeIntervalSince(start)
        for ((slot, job), generated) in zip(jobs, drawn) {
            var out: [String: Result<ItemOutput, any Error>] = [:]
            for item in groups[slot].items {
                guard case .image(_, let k, _) = item.request else { continue }
                out[item.id] = Result {
                    let images = try generated.get()
                    guard images.indices.contains(k) else {
                        throw HarnessError.outputs(path: imageFolder + "/" + job.group, reason: "the model drew \(images.count) image(s); item \(item.id) is sample \(k)")
                    }
                    let path = job.group + "/samples/" + String(format: "%05d.png", k)
                    return .detectionsOnImage(try detections.detections(id: item.id, imagePath: path, image: images[k]), image: images[k])
                }
            }
            results[slot] = out
        }
        return results
    }
}
