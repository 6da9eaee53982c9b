import Formats
import Tensors

/// What to draw and how to sample it.
public struct TextToImageRequest: Sendable {
    public var prompt: String
    /// Images per prompt (the guidance batch has twice as many rows).
    public var images: Int
    public var cfgWeight: Float
    public var temperature: Float
    /// The most likely token at each step instead of a sample.
    public var greedy: Bool
    /// Run seed: image i samples with numpy's default_rng seeded by `imageSeed(i)`.
    public var seed: UInt64
    /// Stop after this many token steps (benchmarks; the result is then not a whole image and is not decoded).
    public var stepLimit: Int?
    /// Flow models (JanusFlow): Euler steps; nil takes the model's default (30).
    public var steps: Int?
    /// Flow models: start from these latents [images, C, side, side] instead of drawing them (`--init-noise`).
    public var initialNoise: Tensor?

    public init(prompt: String, images: Int = 4, cfgWeight: Float = 5, temperature: Float = 1, greedy: Bool = false,
                seed: UInt64 = 0, stepLimit: Int? = nil, steps: Int? = nil, initialNoise: Tensor? = nil) {
        self.prompt = prompt; self.images = images; self.cfgWeight = cfgWeight; self.temperature = temperature
        self.greedy = greedy; self.seed = seed; self.stepLimit = stepLimit; self.steps = steps; self.initialNoise = initialNoise
    }

    /// Flow models: image i's initial latent, `count` standard normals from numpy's default_rng seeded with
    /// `imageSeed(i)` by Box–Muller (`NumpyRandom.standardNormals`), in [C, side, side] order.
    public func imageNoise(_ index: Int, count: Int) -> [Float] {
        var rng = NumpyRandom(seed: imageSeed(index))
        return rng.standardNormals(count)
    }

    /// splitmix64(seed ⊕ splitmix64(i + 0x9E3779B9)): an image's generator depends only on the run seed and its
    /// index, never on the batch it ran in, the thread count or what else was generated.
    public func imageSeed(_ index: Int) -> UInt64 {
        Self.splitmix(seed ^ Self.splitmix(UInt64(index) &+ 0x9E37_79B9))
    }

    static func splitmix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Where a generation's time went, in seconds.
public struct TextToImageTimings: Sendable {
    /// The prompt's prefill and the first token step.
    public var promptAndFirstStep: Double
    /// The remaining token steps, and how many there were.
    public var laterSteps: Double
    public var laterStepCount: Int
    /// Token grid → pixels.
    public var decode: Double

    public init(promptAndFirstStep: Double, laterSteps: Double, laterStepCount: Int, decode: Double) {
        self.promptAndFirstStep = promptAndFirstStep; self.laterSteps = laterSteps
        self.laterStepCount = laterStepCount; self.decode = decode
    }

    public var total: Double { promptAndFirstStep + laterSteps + decode }
    public var millisecondsPerStep: Double { 1000 * laterSteps / Double(max(laterStepCount, 1)) }
}

public struct TextToImageResult: Sendable {
    public var images: [RGBImage]
    /// The templated prompt as token ids (BOS first).
    public var promptIDs: [Int]
    /// The image tokens of each image (empty for families that do not draw tokens).
    public var tokens: [[Int]]
    public var timings: TextToImageTimings
    /// Flow models: the initial latents the images started from [images, C, side, side] (drawn or given).
    public var initialNoise: Tensor?

    public init(images: [RGBImage], promptIDs: [Int], tokens: [[Int]], timings: TextToImageTimings, initialNoise: Tensor? = nil) {
        self.images = images; self.promptIDs = promptIDs; self.tokens = tokens; self.timings = timings
        self.initialNoise = initialNoise
    }
}

/// Prompt → images.
public protocol TextToImage: AnyObject, Sendable {
    var precision: ActivationPrecision { get }
    var loadSeconds: Double { get }
    var template: ChatTemplate { get }
    /// Side of the square images it draws, in pixels.
    var imageSize: Int { get }
    /// `onStep(done, total)` after each token step, for progress.
    func generate(_ request: TextToImageRequest, onStep: (Int, Int) -> Void) throws -> TextToImageResult
    /// The guidance weight the reference uses when none is given (Janus: 5; JanusFlow: 2).
    var defaultCFGWeight: Float { get }
    /// Flow models: the reference's number of Euler steps (30); nil for token models.
    var defaultSteps: Int? { get }
    /// Flow models: one image's initial latent shape [C, side, side] (`--init-noise` files are [P] + this); nil
    /// for token models.
    var noiseShape: [Int]? { get }
    /// Several prompts' images generated together (cross-prompt batching; see `batchesPrompts`), each result as
    /// `generate` gives it for that request alone, bit for bit; a request that cannot run (too long, say) fails alone.
    /// `onStep(done, total)` counts the batch's steps.
    func generate(batch requests: [TextToImageRequest], onStep: (Int, Int) -> Void) -> [Result<TextToImageResult, any Error>]
    /// Whether `generate(batch:)` shares work between prompts (false: it runs them one after another).
    var batchesPrompts: Bool { get }
    /// Bytes a batch of `images` images (all prompts together) holds beyond the weights, for prompts of up to
    /// `promptTokens` tokens: what the harness sizes `--batch-images` by. nil: no estimate.
    func batchBytes(images: Int, promptTokens: Int) -> Int?
}

extension TextToImage {
    public func generate(batch requests: [TextToImageRequest], onStep: (Int, Int) -> Void) -> [Result<TextToImageResult, any Error>] {
        requests.map { request in Result { try generate(request, onStep: onStep) } }
    }
    public var batchesPrompts: Bool { false }
    public func batchBytes(images: Int, promptTokens: Int) -> Int? { nil }
    public var defaultCFGWeight: Float { 5 }
    public var defaultSteps: Int? { nil }
    public var noiseShape: [Int]? { nil }
}
