import CKernels
import Synchronization

/// Convolution and pooling on channel-major batches: a tensor [C, B, H, W] (each channel's planes of the whole
/// batch side by side), so that one convolution is one matrix product [Cout × Cin·kh·kw] · [Cin·kh·kw × B·H'·W']
/// over the whole batch, a 1×1 convolution reads its input in place (no im2col), and a channel concatenation is a
/// write into a row range of one output (Inception's blocks). Used by the FID Inception-v3.
///
/// Determinism: the output columns are cut into tiles whose size depends only on the shapes; tiles run in parallel.
/// Each tile's product runs on our AVX-512 kernel (jk_conv_f32 as a matrix product: every output one sum over the
/// depth in order), so an output column's value depends on its input column only, never on the tile split, the
/// batch or the thread count. Below AVX-512, single-threaded sgemm, whose column independence depends on the
/// OpenBLAS core: with the Haswell core our machines set, batch 1 and batch 3 differed by 2e-6 (relative).
public enum ChannelMajor {
    /// A convolution with its weights packed as [Cout, Cin·kh·kw] (PyTorch's [Cout, Cin, kh, kw] order), a bias per
    /// output channel and an optional ReLU, fused.
    public struct Convolution: Sendable {
        public let inChannels: Int
        public let outChannels: Int
        public let kernel: (h: Int, w: Int)
        public let stride: (h: Int, w: Int)
        public let padding: (h: Int, w: Int)
        public let relu: Bool
        /// [Cout, Cin·kh·kw] f32.
        public let weight: Tensor
        /// [Cout] f32.
        public let bias: Tensor

        public init(weight: Tensor, bias: Tensor, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), relu: Bool) {
            precondition(weight.rank == 4 && weight.dtype == .f32 && bias.dtype == .f32 && bias.count == weight.shape[0],
                         "ChannelMajor.Convolution: weight [Cout, Cin, kh, kw] f32 and bias [Cout]")
            outChannels = weight.shape[0]; inChannels = weight.shape[1]
            kernel = (weight.shape[2], weight.shape[3])
            self.stride = (stride.0, stride.1); self.padding = (padding.0, padding.1); self.relu = relu
            self.weight = weight.reshaped([outChannels, inChannels * kernel.h * kernel.w])
            self.bias = bias
        }

        /// Convolutions over the same input with the same geometry, stacked into one (their outputs one after the
        /// other along the channels).
        public static func stacked(_ parts: [Convolution]) -> Convolution {
            let first = parts[0]
            precondition(parts.allSatisfy { $0.inChannels == first.inChannels && $0.kernel == first.kernel && $0.stride == first.stride
                && $0.padding == first.padding && $0.relu == first.relu }, "stacked convolutions must share input and geometry")
            var w: [Float] = [], b: [Float] = []
            for p in parts { w += p.weight.toFloats(); b += p.bias.toFloats() }
            let cout = parts.reduce(0) { $0 + $1.outChannels }
            return Convolution(weight: Tensor(shape: [cout, first.inChannels, first.kernel.h, first.kernel.w], floats: w),
                               bias: Tensor(shape: [cout], floats: b), stride: first.stride, padding: first.padding, relu: first.relu)
        }

        public func outputSize(height: Int, width: Int) -> (Int, Int) {
            ((height + 2 * padding.h - kernel.h) / stride.h + 1, (width + 2 * padding.w - kernel.w) / stride.w + 1)
        }

        /// x: [Cin, B, H, W] → a new [Cout, B, H', W'].
        public func callAsFunction(_ x: Tensor) -> Tensor {
            let (oh, ow) = outputSize(height: x.shape[2], width: x.shape[3])
            let out = ChannelMajor.output([outChannels, x.shape[1], oh, ow])
            apply(x, into: out, channelOffset: 0)
            return out
        }

        /// Writes the output into channels `channelOffset ..< channelOffset + Cout` of `out` ([C, B, H', W']).
        public func apply(_ x: Tensor, into out: Tensor, channelOffset: Int) {
            precondition(x.rank == 4 && x.shape[0] == inChannels && x.dtype == .f32, "conv: input \(x.shape) for \(inChannels) channels")
            let (batch, h, w) = (x.shape[1], x.shape[2], x.shape[3])
            let (oh, ow) = outputSize(height: h, width: w)
            precondition(oh > 0 && ow > 0 && out.rank == 4 && out.shape[1] == batch && out.shape[2] == oh && out.shape[3] == ow
                         && channelOffset + outChannels <= out.shape[0], "conv: output \(out.shape) cannot hold [\(outChannels), \(batch), \(oh), \(ow)] at \(channelOffset)")
            let columns = batch * oh * ow, depth = inChannels * kernel.h * kernel.w
            let direct = kernel == (1, 1) && stride == (1, 1) && padding == (0, 0)
            let tile = ChannelMajor.tileColumns(depth: direct ? 0 : depth, columns: columns)
            let tiles = (columns + tile - 1) / tile
            let (kh, kw, sh, sw, ph, pw) = (kernel.h, kernel.w, stride.h, stride.w, padding.h, padding.w)
            let relu: Int32 = self.relu ? 1 : 0, cout = outChannels, cin = inChannels
            let level = Int32(KernelDispatch.level)
            let own = KernelDispatch.f32GEMMDirect
            x.withFloats { px in weight.withFloats { pw8 in bias.withFloats { pb in out.withMutableFloats { py in
                let src = px.baseAddress!, a = pw8.baseAddress!, bias = pb.baseAddress!
                let dst = py.baseAddress! + channelOffset * columns
                Parallel.withBLASThreads(1) {
                    Parallel.forEachItem(tiles) { next in
                        let scratch = direct ? nil : UnsafeMutablePointer<Float>.allocate(capacity: depth * tile)
                        defer { scratch?.deallocate() }
                        while let t = next() {
                            let p0 = t * tile, n = min(tile, columns - p0)
                            let b: UnsafePointer<Float>, ldb: Int
                            if let scratch {
                                // im2col of this tile: row (c, i, j), column p = (image, oy, ox).
                                jk_im2col_channel_major(level, src, Int32(cin), Int32(batch), Int32(h), Int32(w), Int32(kh), Int32(kw),
                                                        Int32(sh), Int32(sw), Int32(ph), Int32(pw), Int32(oh), Int32(ow), p0, Int32(n), scratch)
                                b = UnsafePointer(scratch); ldb = n
                            } else {
                                b = src + p0; ldb = columns
                            }
                            if own {
                                // One row of `columns` positions: output (o, p0 + q) for q < n.
                                let done = jk_conv_f32(b, ldb, Int32(depth), Int32(columns), a, depth, Int32(cout), 1, 1, nil,
                                                       dst + p0, 1, Int32(columns), 0, Int32(n))
                                precondition(done != 0, "conv: the AVX-512 f32 kernel refused")
                            } else {
                                Matmul.gemm(transposeA: false, transposeB: false, m: cout, n: n, k: depth, a: a, lda: depth,
                                            b: b, ldb: ldb, c: dst + p0, ldc: columns)
                            }
                            jk_bias_activation_rows(level, dst + p0, columns, Int32(cout), Int32(n), bias, relu)
                        }
                    }
                }
            } } } }
        }
    }

    /// Output columns per tile: the im2col block (depth × tile floats) stays within ~1 MiB, at least 64 and at most
    /// 2048 columns, a multiple of 16. Depends on the shapes only.
    static func tileColumns(depth: Int, columns: Int) -> Int {
        let limit = depth == 0 ? 2048 : max(64, min(2048, (1 << 18) / depth / 16 * 16))
        return min(limit, max(16, (columns + 15) / 16 * 16))
    }

    /// Max pooling, kernel k, stride s, padding p (padded positions never win, as PyTorch's -inf padding).
    public static func maxPool(_ x: Tensor, kernel k: Int, stride s: Int, padding p: Int = 0) -> Tensor {
        pool(x, kernel: k, stride: s, padding: p, average: false)
    }

    /// Average pooling, kernel k, stride s, padding p, dividing by the number of positions inside the image
    /// (`count_include_pad=False`, TensorFlow's average and pytorch-fid's FID blocks); the sum runs row by row in
    /// f32 as PyTorch's CPU kernel adds.
    public static func averagePoolExcludingPadding(_ x: Tensor, kernel k: Int, stride s: Int, padding p: Int) -> Tensor {
        pool(x, kernel: k, stride: s, padding: p, average: true)
    }

    /// Max pooling written into channels `channelOffset ..< channelOffset + C` of `out` ([C', B, H', W']): a block's
    /// pool branch straight into its concatenated output.
    public static func maxPool(_ x: Tensor, kernel k: Int, stride s: Int, padding p: Int = 0, into out: Tensor, channelOffset: Int) {
        pool(x, kernel: k, stride: s, padding: p, average: false, into: out, channelOffset: channelOffset)
    }

    private static func pool(_ x: Tensor, kernel k: Int, stride s: Int, padding p: Int, average: Bool) -> Tensor {
        precondition(x.rank == 4 && x.dtype == .f32)
        let oh = (x.shape[2] + 2 * p - k) / s + 1, ow = (x.shape[3] + 2 * p - k) / s + 1
        precondition(oh > 0 && ow > 0, "pool: output would be empty")
        let out = ChannelMajor.output([x.shape[0], x.shape[1], oh, ow])
        pool(x, kernel: k, stride: s, padding: p, average: average, into: out, channelOffset: 0)
        return out
    }

    private static func pool(_ x: Tensor, kernel k: Int, stride s: Int, padding p: Int, average: Bool, into out: Tensor, channelOffset: Int) {
        precondition(x.rank == 4 && x.dtype == .f32)
        let (c, b, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        precondition(oh > 0 && ow > 0 && out.rank == 4 && out.dtype == .f32 && out.shape[1] == b && out.shape[2] == oh && out.shape[3] == ow
                     && channelOffset + c <= out.shape[0], "pool: output \(out.shape) cannot hold [\(c), \(b), \(oh), \(ow)] at \(channelOffset)")
        let level = Int32(KernelDispatch.level)
        // Groups of planes of about 16 K input values each, handed to whichever thread is free.
        let group = max(1, (1 << 14) / (h * w)), groups = (c * b + group - 1) / group
        x.withFloats { px in out.withMutableFloats { py in
            let src = px.baseAddress!, dst = py.baseAddress! + channelOffset * b * oh * ow
            Parallel.forEachItem(groups) { next in
                while let g = next() {
                    let first = g * group, count = min(c * b, first + group) - first
                    jk_pool_planes(level, src + first * h * w, Int32(count), Int32(h), Int32(w), dst + first * oh * ow, Int32(oh), Int32(ow),
                                   Int32(k), Int32(s), Int32(p), average ? 1 : 0)
                }
            }
        } }
    }

    /// Mean over each plane: [C, B, H, W] → row-major [B, C] (Double sums).
    public static func globalAverage(_ x: Tensor) -> [[Float]] {
        precondition(x.rank == 4 && x.dtype == .f32)
        let (c, b, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        var out = [[Float]](repeating: [Float](repeating: 0, count: c), count: b)
        x.withFloats { px in
            for ch in 0..<c { for image in 0..<b {
                let start = px.baseAddress! + (ch * b + image) * plane
                var sum = 0.0
                for i in 0..<plane { sum += Double(start[i]) }
                out[image][ch] = Float(sum / Double(plane))
            } }
        }
        return out
    }

    /// NCHW [B, C, H, W] → channel-major [C, B, H, W] (and back: the same permutation swaps the first two axes).
    public static func swapBatchAndChannels(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.dtype == .f32)
        let (n0, n1, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        let out = ChannelMajor.output([n1, n0, x.shape[2], x.shape[3]])
        x.withFloats { px in out.withMutableFloats { py in
            let src = px.baseAddress!, dst = py.baseAddress!
            Parallel.forEachChunk(n0 * n1, minChunk: max(1, (1 << 18) / max(plane, 1))) { range in
                for ij in range {
                    let (i, j) = (ij / n1, ij % n1)
                    (dst + (j * n0 + i) * plane).update(from: src + (i * n1 + j) * plane, count: plane)
                }
            }
        } }
        return out
    }

    /// A new f32 tensor of `shape` for a kernel's output, contents unspecified: from `TensorArena.current` when the
    /// caller set one (the Inception forward), else a fresh tensor.
    public static func output(_ shape: [Int]) -> Tensor {
        if let arena = TensorArena.current { return arena.tensor(shape) }
        return Tensor(uninitialized: shape)
    }

    /// Channels `start ..< start + count` of a channel-major tensor, as a view (no copy).
    public static func channels(_ x: Tensor, _ start: Int, _ count: Int) -> Tensor {
        let per = x.count / max(x.shape[0], 1)
        return Tensor(shape: [count] + Array(x.shape.dropFirst()), dtype: x.dtype, storage: x.storage,
                      byteOffset: x.byteOffset + start * per * x.dtype.byteSize)
    }

    /// Copies `x` ([c, B, H, W]) into channels `offset ..< offset + c` of `out`.
    public static func copy(_ x: Tensor, into out: Tensor, channelOffset offset: Int) {
        precondition(x.rank == 4 && Array(x.shape.dropFirst()) == Array(out.shape.dropFirst()) && offset + x.shape[0] <= out.shape[0])
        let per = x.count / max(x.shape[0], 1)
        x.withFloats { px in out.withMutableFloats { py in
            let src = px.baseAddress!, dst = py.baseAddress! + offset * per
            // Slices of at least 1 MiB, one per thread.
            let slice = 1 << 18, slices = (x.count + slice - 1) / slice
            Parallel.forEachChunk(slices) { range in
                let lo = range.lowerBound * slice, hi = min(x.count, range.upperBound * slice)
                (dst + lo).update(from: src + lo, count: hi - lo)
            }
        } }
    }
}
