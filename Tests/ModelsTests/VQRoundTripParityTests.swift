import Foundation
import Formats
import Models
import Tensors
import Testing
import TestSupport

/// The VQ-16 encoder and quantizer against the official `gen_vision_model.encode` / `decode_code` on the tiny
/// checkpoints (fixtures by tools/reference/make_vq_fixtures.py): latent after quant_conv, codes, and the
/// image → codes → image round trip.
@Suite struct VQRoundTripParityTests {
    @Test(arguments: ["janus-tiny", "pro-tiny"])
    func encoderCodesAndRoundTripMatch(layout: String) throws {
        let folder = FixturePaths.url("janus/\(layout)")
        let config = try JanusCheckpointConfig.load(from: folder.appendingPathComponent("config.json"))
        let spec = try config.generationVision(file: "config.json").vq
        let loader = try JanusCheckpointLayout.loader(folder: folder.path)
        let encoder = try VQ16Encoder(spec: spec, loader: loader)
        let decoder = try VQ16Decoder(spec: spec, loader: loader)
        _ = loader.setAside(prefixes: ["language_model.", "vision_model.", "aligner.", "gen_embed.", "gen_aligner.", "gen_head."])
        try loader.finish()   // every gen_vision_model tensor is used by the two halves

        let expected = try SafetensorsFile(path: folder.appendingPathComponent("expected_vq.safetensors").path)
        let (latent, codes) = encoder.encode(try expected.tensor(named: "pixels").toF32())
        let wantLatent = try expected.tensor(named: "latent")
        #expect(latent.shape == wantLatent.shape)
        let (worst, _) = NumericComparison.maxAbsDifference(latent.toFloats(), wantLatent.toFloats())
        let scale = Double(wantLatent.toFloats().map { abs($0) }.max() ?? 1)
        print("\(layout) VQ encoder latent: max |Δ| \(worst) = \(worst / scale) × scale")
        #expect(worst <= 1e-4 * scale)

        let wantCodes = try expected.tensor(named: "codes").toFloats().map { Int($0) }
        #expect(codes.flatMap { $0 } == wantCodes, "\(layout) codes")

        let side = latent.shape[2]
        let decoded = decoder.decode(codes, side: side)
        let (decodedWorst, _) = NumericComparison.maxAbsDifference(decoded.toFloats(), try expected.tensor(named: "decoded").toFloats())
        print("\(layout) VQ round trip decode: max |Δ| \(decodedWorst)")
        #expect(decodedWorst <= 1e-4)
    }

    @Test func quantizerPicksTheNearestNormalisedRow() {
        // Rows (1, 0), (0, 2) → (0, 1), (−1, −1) → (−1, −1)/√2. Latents (3, 0.1), (0.2, 5), (−4, −3) point at rows
        // 0, 1, 2: direction decides, not length.
        let codebook = VQCodebook(rawRows: [1, 0, 0, 2, -1, -1], dim: 2)
        let latent = Tensor(shape: [1, 2, 1, 3], floats: [3, 0.2, -4, 0.1, 5, -3])
        #expect(codebook.quantize(latent) == [[0, 1, 2]])
    }
}
