#if canImport(Glibc)
import Glibc
#endif
import Formats
import Tensors

/// Multi-scale deformable attention (Deformable DETR, as transformers' pure-PyTorch
/// `multi_scale_deformable_attention`): each query samples `points` locations per head and level around its
/// reference point, bilinearly as `grid_sample(align_corners=False, padding_mode="zeros")`, and sums them with
/// softmax weights (softmax over levels × points per head).
struct DeformableAttention {
    let samplingOffsets: DenseLayer
    let attentionWeights: DenseLayer
    let valueProjection: DenseLayer
    let outputProjection: DenseLayer
    let heads: Int, levels: Int, points: Int

    init(_ loader: WeightLoader, prefix: String, dim: Int, heads: Int, levels: Int, points: Int) throws {
        self.heads = heads; self.levels = levels; self.points = points
        samplingOffsets = try DenseLayer(loader, prefix + "sampling_offsets", input: dim, output: heads * levels * points * 2)
        attentionWeights = try DenseLayer(loader, prefix + "attention_weights", input: dim, output: heads * levels * points)
        valueProjection = try DenseLayer(loader, prefix + "value_proj", input: dim, output: dim)
        outputProjection = try DenseLayer(loader, prefix + "output_proj", input: dim, output: dim)
    }

    /// `query` [Q, C] (position embedding already added), `input` [S, C] (the flattened levels, without it),
    /// `shapes` the (H, W) of each level in order, `reference` [Q, 2] normalised (x, y) points shared by all levels.
    func callAsFunction(query: Tensor, input: Tensor, shapes: [(Int, Int)], reference: [Float]) -> Tensor {
        let c = input.shape[1], d = c / heads, qn = query.shape[0]
        let lp = levels * points
        let value = valueProjection(input)
        let offsets = samplingOffsets(query)
        let logits = attentionWeights(query)
        let weights = Tensor(uninitialized: logits.shape)
        logits.withFloats { src in weights.withMutableFloats { dst in
            Activations.softmaxRows(src.baseAddress!, dst.baseAddress!, rows: qn * heads, width: lp)
        } }
        var starts = [0]
        for (h, w) in shapes { starts.append(starts.last! + h * w) }
        let sampled = Tensor(zeros: [qn, c])
        value.withFloats { pv in offsets.withFloats { po in weights.withFloats { pw in sampled.withMutableFloats { ps in
            let (pv, po, pw, ps) = (pv.baseAddress!, po.baseAddress!, pw.baseAddress!, ps.baseAddress!)
            reference.withUnsafeBufferPointer { ref in
                Parallel.forEachChunk(qn, minChunk: 16) { range in
                    for q in range {
                        let rx = ref[2 * q], ry = ref[2 * q + 1]
                        for h in 0..<heads {
                            let out = ps + q * c + h * d
                            for l in 0..<levels {
                                let (lh, lw) = shapes[l]
                                let plane = pv + starts[l] * c + h * d
                                for p in 0..<points {
                                    let o = ((q * heads + h) * levels + l) * points + p
                                    let weight = pw[(q * heads + h) * lp + l * points + p]
                                    // sampling location → grid in [−1, 1] → pixel (align_corners=False)
                                    let gx = 2 * (rx + po[2 * o] / Float(lw)) - 1
                                    let gy = 2 * (ry + po[2 * o + 1] / Float(lh)) - 1
                                    let ix = ((gx + 1) * Float(lw) - 1) / 2, iy = ((gy + 1) * Float(lh) - 1) / 2
                                    let x0f = floorf(ix), y0f = floorf(iy)
                                    let tx = ix - x0f, ty = iy - y0f
                                    let x0 = Int(x0f), y0 = Int(y0f)
                                    let corners = [(y0, x0, (1 - ty) * (1 - tx)), (y0, x0 + 1, (1 - ty) * tx),
                                                   (y0 + 1, x0, ty * (1 - tx)), (y0 + 1, x0 + 1, ty * tx)]
                                    for (cy, cx, cw) in corners where cy >= 0 && cy < lh && cx >= 0 && cx < lw {
                                        let src = plane + (cy * lw + cx) * c, f = cw * weight
                                        for ch in 0..<d { out[ch] += f * src[ch] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } } } }
        return outputProjection(sampled)
    }
}
