#if canImport(Glibc)
import Glibc
#endif
import Formats
import Tensors

/// Multi-head attention on token rows: q·kᵀ/√d (q scaled first, as both references do), positions where
/// `blocked[i·K + j]` is true hidden (−∞), softmax, ·v. Returns [Q, C] before the output projection.
enum HeadAttention {
    static func attend(query q: Tensor, key k: Tensor, value v: Tensor, heads: Int, blocked: [Bool]? = nil) -> Tensor {
        let qn = q.shape[0], kn = k.shape[0], c = q.shape[1], d = c / heads
        let scale = 1 / Float(d).squareRoot()
        let out = Tensor(uninitialized: [qn, c])
        q.withFloats { pq in k.withFloats { pk in v.withFloats { pv in out.withMutableFloats { po in
            let (pq, pk, pv, po) = (pq.baseAddress!, pk.baseAddress!, pv.baseAddress!, po.baseAddress!)
            let scaled = UnsafeMutablePointer<Float>.allocate(capacity: qn * c)
            defer { scaled.deallocate() }
            for i in 0..<(qn * c) { scaled[i] = pq[i] * scale }
            Parallel.withBLASThreads(1) {
                Parallel.forEachChunk(heads) { range in
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: qn * kn)
                    defer { scores.deallocate() }
                    for h in range {
                        Matmul.gemm(transposeA: false, transposeB: true, m: qn, n: kn, k: d, a: scaled + h * d, lda: c,
                                    b: pk + h * d, ldb: c, c: scores, ldc: kn)
                        if let blocked { for i in 0..<(qn * kn) where blocked[i] { scores[i] = -.infinity } }
                        Activations.softmaxRows(scores, scores, rows: qn, width: kn)
                        Matmul.gemm(transposeA: false, transposeB: false, m: qn, n: d, k: kn, a: scores, lda: kn,
                                    b: pv + h * d, ldb: c, c: po + h * d, ldc: c)
                    }
                }
            }
        } } } }
        return out
    }
}

/// Masked-attention transformer decoder with its class and mask heads (transformers' `Mask2FormerTransformerModule`
/// + `class_predictor`): learned query features and query position embeddings; layer l cross-attends to level
/// l mod 3 with keys hidden where the previous prediction's mask, bilinearly resized to that level, has
/// sigmoid < 0.5 (a query whose every key is hidden sees them all); then self-attention and the FFN
/// (post-norm, or pre-norm when the config says so).
struct MaskedAttentionDecoder {
    struct Layer {
        let crossQuery: DenseLayer, crossKey: DenseLayer, crossValue: DenseLayer, crossOut: DenseLayer
        let crossNorm: LayerNormLayer
        let selfQuery: DenseLayer, selfKey: DenseLayer, selfValue: DenseLayer, selfOut: DenseLayer
        let selfNorm: LayerNormLayer
        let fc1: DenseLayer, fc2: DenseLayer
        let finalNorm: LayerNormLayer

        init(_ loader: WeightLoader, prefix: String, config: Mask2FormerConfig) throws {
            let dim = config.hiddenDim
            let w = try loader.take(prefix + "cross_attn.in_proj_weight", shape: [3 * dim, dim])
            let b = try loader.take(prefix + "cross_attn.in_proj_bias", shape: [3 * dim])
            let parts = DenseLayer.splitFused(weight: w, bias: b)
            (crossQuery, crossKey, crossValue) = (parts[0], parts[1], parts[2])
            crossOut = try DenseLayer(loader, prefix + "cross_attn.out_proj", input: dim, output: dim)
            crossNorm = try LayerNormLayer(loader, prefix + "cross_attn_layer_norm", width: dim)
            if loader.has(prefix + "self_attn.in_proj_weight") {
                // mmdet's nn.MultiheadAttention self-attention: one fused projection.
                let w = try loader.take(prefix + "self_attn.in_proj_weight", shape: [3 * dim, dim])
                let b = try loader.take(prefix + "self_attn.in_proj_bias", shape: [3 * dim])
                let parts = DenseLayer.splitFused(weight: w, bias: b)
                (selfQuery, selfKey, selfValue) = (parts[0], parts[1], parts[2])
            } else {
                selfQuery = try DenseLayer(loader, prefix + "self_attn.q_proj", input: dim, output: dim)
                selfKey = try DenseLayer(loader, prefix + "self_attn.k_proj", input: dim, output: dim)
                selfValue = try DenseLayer(loader, prefix + "self_attn.v_proj", input: dim, output: dim)
            }
            selfOut = try DenseLayer(loader, prefix + "self_attn.out_proj", input: dim, output: dim)
            selfNorm = try LayerNormLayer(loader, prefix + "self_attn_layer_norm", width: dim)
            fc1 = try DenseLayer(loader, prefix + "fc1", input: dim, output: config.dimFeedforward)
            fc2 = try DenseLayer(loader, prefix + "fc2", input: config.dimFeedforward, output: dim)
            finalNorm = try LayerNormLayer(loader, prefix + "final_layer_norm", width: dim)
        }

        func callAsFunction(_ x: Tensor, queryPosition: Tensor, memory: Tensor, memoryPosition: Tensor, blocked: [Bool],
                            heads: Int, preNorm: Bool) -> Tensor {
            func cross(_ h: Tensor) -> Tensor {
                crossOut(HeadAttention.attend(query: crossQuery(FeatureMap.add(h, queryPosition)),
                                              key: crossKey(FeatureMap.add(memory, memoryPosition)), value: crossValue(memory),
                                              heads: heads, blocked: blocked))
            }
            func selfAttention(_ h: Tensor) -> Tensor {
                let withPosition = FeatureMap.add(h, queryPosition)
                return selfOut(HeadAttention.attend(query: selfQuery(withPosition), key: selfKey(withPosition), value: selfValue(h),
                                                    heads: heads))
            }
            func ffn(_ h: Tensor) -> Tensor { fc2(FeatureMap.relu(fc1(h))) }
            if preNorm {
                var h = FeatureMap.add(x, cross(crossNorm(x)))
                h = FeatureMap.add(h, selfAttention(selfNorm(h)))
                return FeatureMap.add(h, ffn(finalNorm(h)))
            }
            var h = crossNorm(FeatureMap.add(x, cross(x)))
            h = selfNorm(FeatureMap.add(h, selfAttention(h)))
            return finalNorm(FeatureMap.add(h, ffn(h)))
        }
    }

    struct Output {
        /// [Q, num_labels + 1]
        let classLogits: Tensor
        /// [Q, H/4, W/4]
        let maskLogits: Tensor
    }

    let config: Mask2FormerConfig
    let queryFeatures: Tensor, queryPosition: Tensor
    let levelEmbed: [[Float]]
    let inputProjections: [ConvLayer?]
    let layers: [Layer]
    let norm: LayerNormLayer
    let maskEmbedder: [DenseLayer]
    let classPredictor: DenseLayer

    init(_ loader: WeightLoader, prefix: String, classPrefix: String, config: Mask2FormerConfig) throws {
        self.config = config
        let dim = config.hiddenDim, levels = Mask2FormerConfig.transformerLevels
        queryFeatures = try loader.take(prefix + "queries_features.weight", shape: [config.numQueries, dim]).toF32()
        queryPosition = try loader.take(prefix + "queries_embedder.weight", shape: [config.numQueries, dim]).toF32()
        let embed = try loader.take(prefix + "level_embed.weight", shape: [levels, dim]).toFloats()
        levelEmbed = embed.count == levels * dim ? (0..<levels).map { Array(embed[($0 * dim)..<(($0 + 1) * dim)]) } : []
        let project = config.featureSize != dim || config.enforceInputProjection
        inputProjections = try (0..<levels).map { i in
            project ? try ConvLayer(loader, prefix + "input_projections.\(i)", input: config.featureSize, output: dim, kernel: 1) : nil
        }
        layers = try (0..<(config.decoderLayers - 1)).map { try Layer(loader, prefix: prefix + "decoder.layers.\($0).", config: config) }
        norm = try LayerNormLayer(loader, prefix + "decoder.layernorm", width: dim)
        maskEmbedder = try (0..<3).map { i in
            try DenseLayer(loader, prefix + "decoder.mask_predictor.mask_embedder.\(i).0", input: dim,
                           output: i == 2 ? config.maskFeatureSize : dim)
        }
        classPredictor = try DenseLayer(loader, classPrefix, input: dim, output: config.numLabels + 1)
    }

    /// Mask logits [Q, H·W] of normalised queries against the mask features [1, C, H, W], and the keys each query
    /// may not see at a level of `size` (sigmoid of the bilinearly resized logit < 0.5; all hidden → none hidden).
    func predictMasks(_ normalised: Tensor, maskFeatures: Tensor, size: (Int, Int)) -> (logits: Tensor, blocked: [Bool]) {
        let embedding = maskEmbedder[2](FeatureMap.relu(maskEmbedder[1](FeatureMap.relu(maskEmbedder[0](normalised)))))
        let (mh, mw) = (maskFeatures.shape[2], maskFeatures.shape[3])
        let channels = maskFeatures.shape[1], qn = normalised.shape[0]
        let logits = Matmul.matmul(embedding, maskFeatures.reshaped([channels, mh * mw]))
        let resized = BilinearResize.resize(logits.reshaped([1, qn, mh, mw]), height: size.0, width: size.1)
        let k = size.0 * size.1
        var blocked = resized.withFloats { r in (0..<(qn * k)).map { 1 / (1 + expf(-r[$0])) < 0.5 } }
        for q in 0..<qn where !blocked[(q * k)..<((q + 1) * k)].contains(false) {
            for j in 0..<k { blocked[q * k + j] = false }
        }
        return (logits.reshaped([qn, mh, mw]), blocked)
    }

    func callAsFunction(multiScale: [Tensor], maskFeatures: Tensor) -> Output {
        let levels = Mask2FormerConfig.transformerLevels, dim = config.hiddenDim
        var memory: [Tensor] = [], memoryPosition: [Tensor] = [], sizes: [(Int, Int)] = []
        for i in 0..<levels {
            let map = multiScale[i]
            sizes.append((map.shape[2], map.shape[3]))
            memoryPosition.append(SinePositionEmbedding.tokens(height: map.shape[2], width: map.shape[3], features: dim / 2))
            let projected = inputProjections[i].map { $0(map) } ?? map
            memory.append(FeatureMap.addRow(FeatureMap.tokens(projected), levelEmbed[i]))
        }
        var hidden = queryFeatures
        var normalised = norm(hidden)
        var (masks, blocked) = predictMasks(normalised, maskFeatures: maskFeatures, size: sizes[0])
        for (idx, layer) in layers.enumerated() {
            let level = idx % levels
            hidden = layer(hidden, queryPosition: queryPosition, memory: memory[level], memoryPosition: memoryPosition[level],
                           blocked: blocked, heads: config.numAttentionHeads, preNorm: config.preNorm)
            normalised = norm(hidden)
            (masks, blocked) = predictMasks(normalised, maskFeatures: maskFeatures, size: sizes[(idx + 1) % levels])
        }
        return Output(classLogits: classPredictor(normalised), maskLogits: masks)
    }
}
