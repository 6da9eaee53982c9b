import Formats
import Tensors

/// Swin Transformer backbone as transformers' `SwinBackbone` (always_partition: windows never shrink, the grid is
/// padded to whole windows): patch embedding, shifted-window attention with relative position bias and the
/// shifted-window mask (−100 between regions), patch merging, and a LayerNorm on each stage's output.
struct SwinBackbone {
    let config: Mask2FormerConfig.Backbone
    let patchProjection: ConvLayer
    let patchNorm: LayerNormLayer
    let stages: [SwinStage]
    let outputNorms: [LayerNormLayer]

    init(_ loader: WeightLoader, prefix: String, config: Mask2FormerConfig.Backbone) throws {
        self.config = config
        let eps = Float(config.layerNormEps)
        patchProjection = try ConvLayer(loader, prefix + "embeddings.patch_embeddings.projection", input: config.numChannels,
                                        output: config.embedDim, kernel: config.patchSize, stride: config.patchSize)
        patchNorm = try LayerNormLayer(loader, prefix + "embeddings.norm", width: config.embedDim, eps: eps)
        stages = try (0..<4).map { i in
            try SwinStage(loader, prefix: prefix + "encoder.layers.\(i).", config: config, index: i)
        }
        outputNorms = try (0..<4).map { i in
            try LayerNormLayer(loader, prefix + "hidden_states_norms.stage\(i + 1)", width: config.channels(stage: i), eps: 1e-5)
        }
    }

    /// `pixels` [1, C, H, W] → four feature maps [1, C_i, H/4/2^i, W/4/2^i] (rounded up at each stage).
    func callAsFunction(_ pixels: Tensor) -> [Tensor] {
        let p = config.patchSize
        let (h, w) = (pixels.shape[2], pixels.shape[3])
        var options = patchProjection.options
        options.padding = (0, (p - h % p) % p, 0, (p - w % p) % p)
        let embedded = Conv2D.apply(pixels, weight: patchProjection.weight, bias: patchProjection.bias, options: options)
        var height = embedded.shape[2], width = embedded.shape[3]
        var x = patchNorm(FeatureMap.tokens(embedded))
        var features: [Tensor] = []
        for (i, stage) in stages.enumerated() {
            x = stage.blocks(x, height: height, width: width)
            features.append(FeatureMap.planes(outputNorms[i](x), height: height, width: width))
            if let merge = stage.merge {
                x = merge(x, height: height, width: width)
                height = (height + 1) / 2; width = (width + 1) / 2
            }
        }
        return features
    }
}

struct SwinStage {
    let layers: [SwinBlock]
    let merge: SwinPatchMerging?

    init(_ loader: WeightLoader, prefix: String, config: Mask2FormerConfig.Backbone, index: Int) throws {
        let dim = config.channels(stage: index)
        layers = try (0..<config.depths[index]).map { j in
            try SwinBlock(loader, prefix: prefix + "blocks.\(j).", dim: dim, heads: config.numHeads[index], window: config.windowSize,
                          shift: j % 2 == 0 ? 0 : config.windowSize / 2, mlpWidth: Int(config.mlpRatio * Double(dim)),
                          qkvBias: config.qkvBias, eps: Float(config.layerNormEps))
        }
        merge = index < 3 ? try SwinPatchMerging(loader, prefix: prefix + "downsample.", dim: dim) : nil
    }

    func blocks(_ x: Tensor, height: Int, width: Int) -> Tensor {
        layers.reduce(x) { $1($0, height: height, width: width) }
    }
}

struct SwinPatchMerging {
    let norm: LayerNormLayer
    let reduction: DenseLayer

    init(_ loader: WeightLoader, prefix: String, dim: Int) throws {
        if loader.has(prefix + "unfold_reduction.weight") {
            // mmdet's nn.Unfold order (channel c·4 + 2·row + column) → the concatenation order (patch k·C + c, k =
            // 2·column + row): gather the 4C input columns of the norm and the reduction.
            let source = (0..<(4 * dim)).map { j in
                let k = j / dim, c = j % dim
                return c * 4 + (k % 2) * 2 + k / 2
            }
            func permuted(_ t: Tensor) -> Tensor {
                guard t.count > 0 else { return t }   // a wrong shape, already recorded by the loader
                let values = t.toFloats(), rows = t.count / (4 * dim)
                var out = [Float](repeating: 0, count: values.count)
                for r in 0..<rows { for j in 0..<(4 * dim) { out[r * 4 * dim + j] = values[r * 4 * dim + source[j]] } }
                return Tensor(shape: t.shape, floats: out)
            }
            let w = try loader.take(prefix + "unfold_norm.weight", shape: [4 * dim])
            let b = try loader.take(prefix + "unfold_norm.bias", shape: [4 * dim])
            let r = try loader.take(prefix + "unfold_reduction.weight", shape: [2 * dim, 4 * dim])
            norm = LayerNormLayer(weight: permuted(w), bias: permuted(b), eps: 1e-5)
            reduction = DenseLayer(weight: permuted(r), bias: nil)
        } else {
            norm = try LayerNormLayer(loader, prefix + "norm", width: 4 * dim)
            reduction = try DenseLayer(loader, prefix + "reduction", input: 4 * dim, output: 2 * dim, bias: false)
        }
    }

    /// [H·W, C] → [⌈H/2⌉·⌈W/2⌉, 2C]: the 2×2 neighbours concatenated in the order (0,0), (1,0), (0,1), (1,1)
    /// (row, column offsets), odd sides padded with zeros.
    func callAsFunction(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let c = x.shape[1], h2 = (height + 1) / 2, w2 = (width + 1) / 2
        let gathered = Tensor(zeros: [h2 * w2, 4 * c])
        let offsets = [(0, 0), (1, 0), (0, 1), (1, 1)]
        x.withFloats { src in gathered.withMutableFloats { dst in
            for y in 0..<h2 { for xx in 0..<w2 {
                let row = dst.baseAddress! + (y * w2 + xx) * 4 * c
                for (k, (dy, dx)) in offsets.enumerated() {
                    let sy = 2 * y + dy, sx = 2 * xx + dx
                    guard sy < height, sx < width else { continue }
                    (row + k * c).update(from: src.baseAddress! + (sy * width + sx) * c, count: c)
                }
            } }
        } }
        return reduction(norm(gathered))
    }
}

struct SwinBlock {
    let normBefore: LayerNormLayer
    let query: DenseLayer, key: DenseLayer, value: DenseLayer
    /// [heads, window², window²]: the relative position bias gathered from the table once at load.
    let positionBias: [Float]
    let output: DenseLayer
    let normAfter: LayerNormLayer
    let mlpIn: DenseLayer, mlpOut: DenseLayer
    let heads: Int, window: Int, shift: Int

    init(_ loader: WeightLoader, prefix: String, dim: Int, heads: Int, window: Int, shift: Int, mlpWidth: Int, qkvBias: Bool,
         eps: Float) throws {
        self.heads = heads; self.window = window; self.shift = shift
        normBefore = try LayerNormLayer(loader, prefix + "layernorm_before", width: dim, eps: eps)
        let attention = prefix + "attention.self."
        if loader.has(attention + "qkv.weight") {
            // mmdet's fused projection (renamed by the key map), split into views.
            let w = try loader.take(attention + "qkv.weight", shape: [3 * dim, dim])
            let b = qkvBias ? try loader.take(attention + "qkv.bias", shape: [3 * dim]) : nil
            let parts = DenseLayer.splitFused(weight: w, bias: b)
            (query, key, value) = (parts[0], parts[1], parts[2])
        } else {
            query = try DenseLayer(loader, attention + "query", input: dim, output: dim, bias: qkvBias)
            key = try DenseLayer(loader, attention + "key", input: dim, output: dim, bias: qkvBias)
            value = try DenseLayer(loader, attention + "value", input: dim, output: dim, bias: qkvBias)
        }
        let side = 2 * window - 1
        let table = try loader.take(attention + "relative_position_bias_table", shape: [side * side, heads]).toFloats()
        let n = window * window
        var bias = [Float](repeating: 0, count: heads * n * n)
        // (A wrong shape has been recorded by the loader, which throws at finish(); nothing is read from it here.)
        if table.count == side * side * heads { for i in 0..<n { for j in 0..<n {
            let index = (i / window - j / window + window - 1) * side + (i % window - j % window + window - 1)
            for h in 0..<heads { bias[(h * n + i) * n + j] = table[index * heads + h] }
        } } }
        positionBias = bias
        output = try DenseLayer(loader, prefix + "attention.output.dense", input: dim, output: dim)
        normAfter = try LayerNormLayer(loader, prefix + "layernorm_after", width: dim, eps: eps)
        mlpIn = try DenseLayer(loader, prefix + "intermediate.dense", input: dim, output: mlpWidth)
        mlpOut = try DenseLayer(loader, prefix + "output.dense", input: mlpWidth, output: dim)
    }

    func callAsFunction(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let attended = windowAttention(normBefore(x), height: height, width: width)
        let h = FeatureMap.add(x, attended)
        return FeatureMap.add(h, mlpOut(Activations.gelu(mlpIn(normAfter(h)))))
    }

    /// Shifted-window attention on [H·W, C] tokens: pad to whole windows (zeros), roll by −shift, attend inside
    /// each window, roll back, crop.
    func windowAttention(_ x: Tensor, height: Int, width: Int) -> Tensor {
        let c = x.shape[1], ws = window, n = ws * ws
        let hp = (height + ws - 1) / ws * ws, wp = (width + ws - 1) / ws * ws
        let windowsAcross = wp / ws, windowCount = (hp / ws) * windowsAcross
        // Window-major token order; source (padded) position of window token t.
        func source(_ t: Int) -> (Int, Int) {
            let win = t / n, idx = t % n
            let y = (win / windowsAcross) * ws + idx / ws, xx = (win % windowsAcross) * ws + idx % ws
            return ((y + shift) % hp, (xx + shift) % wp)
        }
        let windowed = Tensor(zeros: [windowCount * n, c])
        x.withFloats { src in windowed.withMutableFloats { dst in
            for t in 0..<(windowCount * n) {
                let (sy, sx) = source(t)
                guard sy < height, sx < width else { continue }
                (dst.baseAddress! + t * c).update(from: src.baseAddress! + (sy * width + sx) * c, count: c)
            }
        } }
        // Shifted-window region labels on the padded grid (transformers' get_attn_mask).
        var labels: [Int] = []
        if shift > 0 {
            func region(_ v: Int, _ size: Int) -> Int { v < size - ws ? 0 : (v < size - shift ? 1 : 2) }
            labels = (0..<(windowCount * n)).map { t in
                let win = t / n, idx = t % n
                let y = (win / windowsAcross) * ws + idx / ws, xx = (win % windowsAcross) * ws + idx % ws
                return region(y, hp) * 3 + region(xx, wp)
            }
        }
        let q = query(windowed), k = key(windowed), v = value(windowed)
        let d = c / heads, scale = 1 / Float(d).squareRoot()
        let context = Tensor(uninitialized: [windowCount * n, c])
        q.withFloats { pq in k.withFloats { pk in v.withFloats { pv in context.withMutableFloats { po in
            let (pq, pk, pv, po) = (pq.baseAddress!, pk.baseAddress!, pv.baseAddress!, po.baseAddress!)
            positionBias.withUnsafeBufferPointer { bias in
                Parallel.withBLASThreads(1) {
                    Parallel.forEachChunk(windowCount * heads, minChunk: 4) { range in
                        let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
                        defer { scores.deallocate() }
                        for job in range {
                            let win = job / heads, h = job % heads, base = win * n * c + h * d
                            Matmul.gemm(transposeA: false, transposeB: true, m: n, n: n, k: d, alpha: 1, a: pq + base, lda: c,
                                        b: pk + base, ldb: c, c: scores, ldc: n)
                            for i in 0..<n { for j in 0..<n {
                                var s = scores[i * n + j] * scale + bias[(h * n + i) * n + j]
                                if shift > 0 && labels[win * n + i] != labels[win * n + j] { s -= 100 }
                                scores[i * n + j] = s
                            } }
                            Activations.softmaxRows(scores, scores, rows: n, width: n)
                            Matmul.gemm(transposeA: false, transposeB: false, m: n, n: d, k: n, a: scores, lda: n,
                                        b: pv + base, ldb: c, c: po + base, ldc: c)
                        }
                    }
                }
            }
        } } } }
        let projected = output(context)
        // Back to the image order: the padded position (y, x) was window token of its rolled position.
        let out = Tensor(uninitialized: [height * width, c])
        projected.withFloats { src in out.withMutableFloats { dst in
            for y in 0..<height { for xx in 0..<width {
                let ry = (y - shift + hp) % hp, rx = (xx - shift + wp) % wp
                let t = ((ry / ws) * windowsAcross + rx / ws) * n + (ry % ws) * ws + rx % ws
                (dst.baseAddress! + (y * width + xx) * c).update(from: src.baseAddress! + t * c, count: c)
            } }
        } }
        return out
    }
}
