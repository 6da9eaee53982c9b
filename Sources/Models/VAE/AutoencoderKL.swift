import Formats
import Foundation
import Tensors

/// The SDXL-VAE as diffusers' `AutoencoderKL` loads it from a folder (`config.json` plus
/// `diffusion_pytorch_model.safetensors`, or its `.fp16.safetensors` / `.bin` variants), strictly: every tensor
/// is used or the load fails naming it. The decoder turns flow latents into pixels (JanusFlow: `vae.decode(z /
/// scaling_factor)`); the encoder closes the image → latent → image round trip.
public final class AutoencoderKL: @unchecked Sendable {
    public let config: VAEConfig
    public let folder: URL
    let decoder: VAEDecoder
    let encoder: VAEEncoder
    /// `.bf16` rounds the convolution and projection weights to bf16 at load and every convolution's and
    /// projection's input to bf16 (bf16 dot products where the CPU has them), as the official demo's bf16 VAE;
    /// the normalisations, SiLU and attention scores stay f32. `.f32` computes with the stored (f32) weights.
    public let precision: ActivationPrecision

    /// The weight files looked for, in order.
    public static let weightFiles = ["diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors",
                                     "diffusion_pytorch_model.bin"]

    public init(folder: URL, precision: ActivationPrecision = .f32) throws {
        self.folder = folder
        self.precision = precision
        config = try VAEConfig.load(from: folder.appendingPathComponent("config.json"))
        guard let file = Self.weightFiles.map({ folder.appendingPathComponent($0).path }).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw ModelError.invalidConfig(file: folder.path, detail: "no VAE weights: expected one of \(Self.weightFiles.joined(separator: ", "))")
        }
        let loader = WeightLoader(try CheckpointFiles.openFile(file), sanitize: Self.sanitize)
        decoder = try VAEDecoder(config: config, loader: loader, bf16Weights: precision == .bf16)
        encoder = try VAEEncoder(config: config, loader: loader, bf16Weights: precision == .bf16)
        try loader.finish()
    }

    /// diffusers renames the attention projections of older checkpoints on load (query/key/value/proj_attn →
    /// to_q/to_k/to_v/to_out.0); the same here.
    static func sanitize(_ name: String) -> SanitizedName {
        guard name.contains(".attentions.") else { return .use(name) }
        for (old, new) in [(".query.", ".to_q."), (".key.", ".to_k."), (".value.", ".to_v."), (".proj_attn.", ".to_out.0.")] where name.contains(old) {
            return .use(name.replacingOccurrences(of: old, with: new))
        }
        return .use(name)
    }

    /// Pixels per latent position along each side (8 for the SDXL-VAE).
    public var downsampleFactor: Int { config.downsampleFactor }

    /// `vae.decode(latents)` on latents as the VAE sees them (already divided by the scaling factor):
    /// [b, C, h, w] → images [b, 3, h·f, w·f] in about [−1, 1]. Images are decoded one at a time (the
    /// activations of a 384² image are 75 MB per tensor at 128 channels).
    public func decode(_ latents: Tensor) -> Tensor {
        perImage(latents) { decoder($0, precision) }
    }

    /// The flow latents z → images: `vae.decode(z / scaling_factor)` (plus shift_factor when the config has one).
    public func decodeFlowLatents(_ z: Tensor) -> Tensor {
        let scale = config.scalingFactor, shift = config.shiftFactor ?? 0
        let scaled = Tensor(shape: z.shape, floats: z.toFloats().map { $0 / scale + shift })
        return decode(scaled)
    }

    /// `vae.encode(pixels).latent_dist`: mean and log-variance (clamped to [−30, 20] as diffusers does), each
    /// [b, C, H/f, W/f].
    public func encode(_ pixels: Tensor) -> (mean: Tensor, logvar: Tensor) {
        let moments = perImage(pixels) { encoder($0, precision) }
        let (b, c2, h, w) = (moments.shape[0], moments.shape[1], moments.shape[2], moments.shape[3])
        let c = c2 / 2, plane = h * w
        let values = moments.toFloats()
        var mean = [Float](repeating: 0, count: b * c * plane), logvar = mean
        for bi in 0..<b { for ch in 0..<c { for p in 0..<plane {
            mean[(bi * c + ch) * plane + p] = values[(bi * c2 + ch) * plane + p]
            logvar[(bi * c + ch) * plane + p] = min(max(values[(bi * c2 + c + ch) * plane + p], -30), 20)
        } } }
        return (Tensor(shape: [b, c, h, w], floats: mean), Tensor(shape: [b, c, h, w], floats: logvar))
    }

    /// The demo's pixels: `clip(x, −1, 1)`, then `((x + 1) / 2 · 255)` stored to uint8, which truncates. HWC per image.
    public static func pixels(_ images: Tensor) -> [[UInt8]] {
        let (b, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let v = images.toFloats()
        return (0..<b).map { bi in
            var out = [UInt8](repeating: 0, count: h * w * c)
            for y in 0..<h { for x in 0..<w { for ch in 0..<c {
                let clipped = min(max(v[((bi * c + ch) * h + y) * w + x], -1), 1)
                out[(y * w + x) * c + ch] = UInt8((clipped + 1) / 2 * 255)
            } } }
            return out
        }
    }

    func perImage(_ x: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
        let b = x.shape[0], per = x.count / max(b, 1)
        let values = x.toFloats()
        var outputs: [Tensor] = []
        for i in 0..<b {
            outputs.append(body(Tensor(shape: [1] + x.shape.dropFirst(), floats: Array(values[(i * per)..<((i + 1) * per)]))))
        }
        guard let first = outputs.first else { return x }
        let out = Tensor(uninitialized: [b] + first.shape.dropFirst())
        out.withMutableFloats { dst in
            for (i, image) in outputs.enumerated() {
                image.withFloats { src in (dst.baseAddress! + i * src.count).update(from: src.baseAddress!, count: src.count) }
            }
        }
        return out
    }
}
