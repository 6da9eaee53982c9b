import CKernels

/// 2-D convolution as PyTorch's `F.conv2d` (NCHW input, weight [out, in/groups, kh, kw]).
/// Stride 1, no dilation, one group (every VQ and SDXL-VAE convolution): at the AVX-512 level our kernel on a padded
/// grid (`shiftedF32`, 1×1 included), below it shifted sgemms on the same grid (`shiftedGEMM`). Other cases: im2col +
/// sgemm per group; depthwise (one input channel per group): a direct loop.
public enum Conv2D {
    /// Grid columns per tile of `shiftedGEMM` (whole rows of the padded grid, at least one). 1024 was fastest for
    /// every VQ decoder shape in `janus-bench conv` (the output tile stays in L2 across the nine taps).
    nonisolated(unsafe) public static var tileColumns = 1024
    public struct Options: Sendable {
        public var stride: (Int, Int) = (1, 1)
        /// (top, bottom, left, right): asymmetric padding covers the VQ encoder's (0, 1, 0, 1).
        public var padding: (top: Int, bottom: Int, left: Int, right: Int) = (0, 0, 0, 0)
        public var dilation: (Int, Int) = (1, 1)
        public var groups: Int = 1

        public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
            self.stride = (stride, stride)
            self.padding = (padding, padding, padding, padding)
            self.dilation = (dilation, dilation)
            self.groups = groups
        }
    }

    /// `activations: .bf16` with bf16 weights rounds the input to bf16 first (as Linear does) and, for stride-1
    /// ungrouped convolutions, multiplies on AMX tiles where the process may use them (`shiftedAMX`), else with
    /// AVX512_BF16 dot products where the CPU has them (`shiftedBF16`).
    ///
    /// `normalizedBy`: the convolution of `affine.applied(to: input)` (a GroupNorm, and SiLU, before it), the same
    /// bits; the shifted f32 and AVX512-BF16 paths apply it as they pack their grid, so the normalised tensor is
    /// never stored; the others apply it first.
    ///
    /// `input` is consumed: a caller that passes its last reference (`consume h`) lets the shifted paths return its
    /// block to the cache once the grid holds it, before the output is allocated (one image-sized block less at the
    /// decoders' peak).
    public static func apply(_ input: consuming Tensor, normalizedBy affine: ChannelAffine? = nil, weight: Tensor, bias: Tensor? = nil,
                             options: Options = Options(), activations: ActivationPrecision = .f32) -> Tensor {
        let shifted = options.groups == 1 && options.stride == (1, 1) && options.dilation == (1, 1) && input.rank == 4 && weight.rank == 4
            && input.shape[1] == weight.shape[1]
        if activations == .bf16 && weight.dtype == .bf16 && input.dtype == .f32 {
            if shifted && !KernelDispatch.amxActive && KernelDispatch.computeBoundBF16Dots {
                return shiftedBF16(consume input, normalizedBy: affine, weight: weight, bias: bias, padding: options.padding)
            }
            if shifted && !KernelDispatch.amxActive && KernelDispatch.f32ConvDirect(taps: weight.shape[2] * weight.shape[3]) {
                // Our f32 kernel rounds the input as it fills its grid: the numbers of the rounded copy, without it.
                return shiftedF32(consume input, normalizedBy: affine, roundedToBF16: true, weight: weight.toF32(), bias: bias?.toF32(),
                                  padding: options.padding)
            }
            let input = affine.map { $0.applied(to: input) } ?? copy input
            if shifted && KernelDispatch.amxActive { return shiftedAMX(input, weight: weight, bias: bias, padding: options.padding) }
            // Same numbers through the f32 paths (up to summation order).
            return apply(HalfPrecision.roundedToBF16(input), weight: weight, bias: bias, options: options)
        }
        precondition(input.rank == 4 && weight.rank == 4 && input.dtype == .f32, "conv2d: NCHW f32 input and 4-D weight")
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (outChannels, groupChannels, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let groups = options.groups
        precondition(channels == groupChannels * groups && outChannels % groups == 0, "conv2d: channels \(channels) vs weight \(weight.shape) with \(groups) groups")
        let (sh, sw) = options.stride, (dh, dw) = options.dilation, pad = options.padding
        let outH = (height + pad.top + pad.bottom - dh * (kh - 1) - 1) / sh + 1
        let outW = (width + pad.left + pad.right - dw * (kw - 1) - 1) / sw + 1
        precondition(outH > 0 && outW > 0, "conv2d: output would be empty")
        let w = weight.toF32(), b = bias?.toF32()
        // 1×1 without padding too on our kernel: the grid is then a plain copy of the input (VAE shortcuts at 384²:
        // sgemm with the Haswell core runs at half the kernel's rate).
        let direct = KernelDispatch.f32ConvDirect(taps: kh * kw)
        if groups == 1 && options.stride == (1, 1) && options.dilation == (1, 1) && (direct || !(kh == 1 && kw == 1 && pad == (0, 0, 0, 0))) {
            if direct { return shiftedF32(consume input, normalizedBy: affine, weight: w, bias: b, padding: pad) }
            let out = Tensor(uninitialized: [batch, outChannels, outH, outW])
            shiftedGEMM(input, normalizedBy: affine, weight: w, bias: b, padding: pad, into: out)
            return out
        }
        let out = Tensor(uninitialized: [batch, outChannels, outH, outW])
        let outGroup = outChannels / groups
        let plane = outH * outW
        let input = affine.map { $0.applied(to: input) } ?? copy input
        input.withFloats { px in w.withFloats { pw in out.withMutableFloats { py in
            let x = px.baseAddress!, wt = pw.baseAddress!, y = py.baseAddress!
            if groupChannels == 1 && outGroup == 1 && sh == 1 && sw == 1 && dh == 1 && dw == 1 {
                // Depthwise, stride 1 (the ConvNeXt blocks' 7×7): per output row, each tap in (i, j) order adds
                // its products over the columns it reaches — a branch-free loop the compiler vectorises. Every
                // output sums the same products in the same order as the general loop below, so the bits match.
                Parallel.forEachChunk(batch * outChannels, minChunk: 4) { range in
                    for nc in range {
                        let c = nc % outChannels
                        let src = x + nc * height * width, dst = y + nc * plane, k = wt + c * kh * kw
                        for oy in 0..<outH {
                            let row = dst + oy * outW
                            row.update(repeating: 0, count: outW)
                            for i in 0..<kh {
                                let iy = oy - pad.top + i
                                if iy < 0 || iy >= height { continue }
                                let line = src + iy * width
                                for j in 0..<kw {
                                    let shift = j - pad.left, lo = max(0, -shift), hi = min(outW, width - shift)
                                    if lo >= hi { continue }
                                    let tap = k[i * kw + j], from = line + shift
                                    for ox in lo..<hi { row[ox] += from[ox] * tap }
                                }
                            }
                        }
                    }
                }
            } else if groupChannels == 1 && outGroup == 1 {
                // Depthwise: each output channel reads one input channel.
                Parallel.forEachChunk(batch * outChannels, minChunk: 4) { range in
                    for nc in range {
                        let c = nc % outChannels
                        let src = x + nc * height * width, dst = y + nc * plane, k = wt + c * kh * kw
                        for oy in 0..<outH { for ox in 0..<outW {
                            var s: Float = 0
                            for i in 0..<kh {
                                let iy = oy * sh - pad.top + i * dh
                                if iy < 0 || iy >= height { continue }
                                for j in 0..<kw {
                                    let ix = ox * sw - pad.left + j * dw
                                    if ix >= 0 && ix < width { s += src[iy * width + ix] * k[i * kw + j] }
                                }
                            }
                            dst[oy * outW + ox] = s
                        } }
                    }
                }
            } else {
                let rows = groupChannels * kh * kw
                let pointwise = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pad == (0, 0, 0, 0)
                let column = pointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: rows * plane)
                defer { column?.deallocate() }
                for n in 0..<batch {
                    for g in 0..<groups {
                        let src = x + (n * channels + g * groupChannels) * height * width
                        if let column {
                            Parallel.forEachChunk(rows, minChunk: 8) { range in
                                for r in range {
                                    let c = r / (kh * kw), i = (r / kw) % kh, j = r % kw
                                    let dst = column + r * plane, channel = src + c * height * width
                                    for oy in 0..<outH {
                                        let iy = oy * sh - pad.top + i * dh
                                        for ox in 0..<outW {
                                            let ix = ox * sw - pad.left + j * dw
                                            dst[oy * outW + ox] = (iy >= 0 && iy < height && ix >= 0 && ix < width) ? channel[iy * width + ix] : 0
                                        }
                                    }
                                }
                            }
                        }
                        Matmul.gemmFixedTiles(transposeA: false, transposeB: false, m: outGroup, n: plane, k: rows,
                                              a: wt + g * outGroup * rows, lda: rows, b: UnsafePointer(column ?? UnsafeMutablePointer(mutating: src)), ldb: plane,
                                              c: y + (n * outChannels + g * outGroup) * plane, ldc: plane)
                    }
                }
            }
            if let b {
                b.withFloats { pb in
                    for n in 0..<batch { for c in 0..<outChannels {
                        let dst = y + (n * outChannels + c) * plane, v = pb[c]
                        for i in 0..<plane { dst[i] += v }
                    } }
                }
            }
        } } }
        return out
    }

    /// The sides of a stride-1 convolution of `input` [B, Cin, H, W] by a weight [Cout, Cin, kh, kw] on the input
    /// zero-padded by `pad`: the padded grid hp × wp and the output outH × outW.
    static func stride1Sides(_ input: Tensor, _ weight: Tensor, _ pad: (top: Int, bottom: Int, left: Int, right: Int))
        -> (batch: Int, cin: Int, height: Int, width: Int, cout: Int, kh: Int, kw: Int, hp: Int, wp: Int, outH: Int, outW: Int) {
        let (batch, cin, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let hp = height + pad.top + pad.bottom, wp = width + pad.left + pad.right
        return (batch, cin, height, width, cout, kh, kw, hp, wp, hp - kh + 1, wp - kw + 1)
    }

    /// Stride-1 convolution without im2col. With the input zero-padded to Hp × Wp and outputs computed on the same
    /// row pitch Wp (the last kw − 1 columns of each output row are discarded), kernel tap (i, j) reads the padded
    /// input shifted by i·Wp + j — a contiguous window — so the convolution is kh·kw accumulating GEMMs
    /// [Cout × Cin] · [Cin × tile]. Tiles of the grid run in parallel, each with single-threaded BLAS and its own
    /// output tile in cache; memory is one padded input copy instead of a Cin·kh·kw-times larger column matrix.
    static func shiftedGEMM(_ input: Tensor, normalizedBy affine: ChannelAffine?, weight w: Tensor, bias: Tensor?,
                            padding pad: (top: Int, bottom: Int, left: Int, right: Int), into out: Tensor) {
        let (batch, cin, height, width, cout, kh, kw, hp, wp, outH, outW) = stride1Sides(input, w, pad)
        let taps = kh * kw
        // Weights as [tap][Cout][Cin].
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: taps * cout * cin)
        // One extra row of zeros: the last tile's shifted windows run up to kw − 1 past the padded grid.
        // A tensor's storage, so the block comes from (and returns to) the large-block cache: same-shaped
        // convolutions follow each other through the decoder.
        let paddedStorage = TensorStorage(zeroedByteCount: (cin * hp * wp + wp) * MemoryLayout<Float>.size)
        let padded = paddedStorage.base.bindMemory(to: Float.self, capacity: cin * hp * wp + wp)
        defer { packed.deallocate(); withExtendedLifetime(paddedStorage) {} }
        w.withFloats { pw in
            for o in 0..<cout { for c in 0..<cin { for t in 0..<taps {
                packed[(t * cout + o) * cin + c] = pw[(o * cin + c) * taps + t]
            } } }
        }
        let gridRows = outH, tileRows = max(1, Conv2D.tileColumns / wp)
        let tiles = (gridRows + tileRows - 1) / tileRows
        let biasValues = bias?.toFloats()
        let level = Int32(KernelDispatch.level)
        input.withFloats { px in out.withMutableFloats { py in
            let x = px.baseAddress!, y = py.baseAddress!
            for n in 0..<batch {
                if n > 0 { padded.update(repeating: 0, count: cin * hp * wp + wp) }
                Parallel.forEachChunk(cin, minChunk: 8) { channels in
                    for c in channels {
                        fillRows(x + (n * cin + c) * height * width, affine, image: n, channel: c, height: height, width: width,
                                 into: padded + c * hp * wp + pad.top * wp + pad.left, pitch: wp, level: level)
                    }
                }
                Parallel.withBLASThreads(1) {
                    Parallel.forEachChunk(tiles) { tileRange in
                        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: cout * tileRows * wp)
                        defer { scratch.deallocate() }
                        for tile in tileRange {
                            let r0 = tile * tileRows, r1 = min(gridRows, r0 + tileRows)
                            let columns = (r1 - r0) * wp
                            for t in 0..<taps {
                                let i = t / kw, j = t % kw
                                Matmul.gemm(transposeA: false, transposeB: false, m: cout, n: columns, k: cin,
                                            a: packed + t * cout * cin, lda: cin, b: padded + (r0 + i) * wp + j, ldb: hp * wp,
                                            beta: t == 0 ? 0 : 1, c: scratch, ldc: columns)
                            }
                            for o in 0..<cout {
                                let v = biasValues?[o] ?? 0
                                for r in r0..<r1 {
                                    let src = scratch + o * columns + (r - r0) * wp
                                    let dst = y + ((n * cout + o) * outH + r) * outW
                                    for c in 0..<outW { dst[c] = src[c] + v }
                                }
                            }
                        }
                    }
                }
            }
        } }
    }

    /// `shiftedGEMM` without OpenBLAS: the same padded grid (cin planes of f32, pitch wp) and `jk_conv_f32`'s
    /// AVX-512 blocks of 8 output channels × 48 positions, handed out in runs of `f32ItemBlocks` blocks to whichever
    /// thread is free. Each output's sum (channels, then taps, in runs of ~256 products, then + bias) is fixed by the
    /// shapes, so the thread count and the split change no bit.
    /// `roundedToBF16`: each grid value rounded to bf16 (after `affine`), the `--precision bf16` input.
    static func shiftedF32(_ input: consuming Tensor, normalizedBy affine: ChannelAffine?, roundedToBF16 rounded: Bool = false,
                           weight w: Tensor, bias: Tensor?,
                           padding pad: (top: Int, bottom: Int, left: Int, right: Int)) -> Tensor {
        let (batch, cin, height, width, cout, kh, kw, hp, wp, outH, outW) = stride1Sides(input, w, pad)
        // The kernel reads the computed positions shifted by the taps: up to kw − 1 past the padded grid.
        let plane = hp * wp + wp
        // Only the padding is cleared (below, with each plane's rows): the interior is written for every image.
        let gridStorage = TensorStorage(uninitializedByteCount: cin * plane * MemoryLayout<Float>.size)
        let grid = gridStorage.base.bindMemory(to: Float.self, capacity: cin * plane)
        defer { withExtendedLifetime(gridStorage) {} }
        let biasValues = bias?.toFloats() ?? []
        let positions = outH * wp, items = (positions + 48 * f32ItemBlocks - 1) / (48 * f32ItemBlocks)
        let level = Int32(KernelDispatch.level)
        return perImage(consume input, output: [batch, cout, outH, outW]) { x, n in
            Parallel.forEachChunk(cin, minChunk: 8) { channels in
                for c in channels {
                    let dst = grid + c * plane
                    if n == 0 { clearPadding(dst, plane: plane, height: height, width: width, wp: wp, pad: pad) }
                    fillRows(x + (n * cin + c) * height * width, affine, image: n, channel: c, height: height, width: width,
                             into: dst + pad.top * wp + pad.left, pitch: wp, level: level, roundedToBF16: rounded)
                }
            }
        } compute: { y, n in
            w.withFloats { pw in biasValues.withUnsafeBufferPointer { pb in
                Parallel.forEachItem(items) { next in
                    while let item = next() {
                        let p0 = item * 48 * f32ItemBlocks, p1 = min(positions, p0 + 48 * f32ItemBlocks)
                        let done = jk_conv_f32(grid, plane, Int32(cin), Int32(wp), pw.baseAddress!, cin * kh * kw, Int32(cout), Int32(kh), Int32(kw),
                                               pb.isEmpty ? nil : pb.baseAddress, y + n * cout * outH * outW, Int32(outH), Int32(outW),
                                               Int32(p0), Int32(p1))
                        precondition(done != 0, "conv2d: the AVX-512 f32 kernel refused (CPU level or taps)")
                    }
                }
            } }
        }
    }

    /// Per image of a shifted kernel: `pack` fills the grid from image n of the input, `compute` writes image n of the
    /// output from it. The input is let go once the grid holds the last image, before the output is allocated, so a
    /// block the caller gave up (`consume`) can become the output's (one image-sized block less at a decoder's peak).
    static func perImage(_ input: consuming Tensor, output shape: [Int], pack: (UnsafePointer<Float>, Int) -> Void,
                         compute: (UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor {
        let batch = shape[0]
        var source: Tensor? = consume input
        var out: Tensor? = batch > 1 ? Tensor(uninitialized: shape) : nil
        for n in 0..<batch {
            source!.withFloats { pack($0.baseAddress!, n) }
            if n == batch - 1 { source = nil }
            if out == nil { out = Tensor(uninitialized: shape) }
            out!.withMutableFloats { compute($0.baseAddress!, n) }
        }
        return out!
    }

    /// One input plane's rows into a grid plane of pitch `pitch` (at its first interior position), through `affine`
    /// when given, then rounded to bf16 when asked.
    @inline(__always)
    static func fillRows(_ src: UnsafePointer<Float>, _ affine: ChannelAffine?, image n: Int, channel c: Int, height: Int, width: Int,
                         into dst: UnsafeMutablePointer<Float>, pitch: Int, level: Int32, roundedToBF16: Bool = false) {
        for r in 0..<height {
            let row = dst + r * pitch
            if let affine {
                affine.apply(src + r * width, count: width, image: n, channel: c, into: row, level: level)
                if roundedToBF16 { jk_round_bf16_f32(level, row, row, width) }
            } else if roundedToBF16 {
                jk_round_bf16_f32(level, src + r * width, row, width)
            } else {
                row.update(from: src + r * width, count: width)
            }
        }
    }

    /// Zeros the padding of one plane of a shifted kernel's grid (pitch `wp`, `plane` elements: the top rows, each
    /// row's right and the next row's left padding, the bottom rows and the tail); the interior is written per image.
    static func clearPadding<T: Numeric>(_ dst: UnsafeMutablePointer<T>, plane: Int, height: Int, width: Int, wp: Int,
                                         pad: (top: Int, bottom: Int, left: Int, right: Int)) {
        dst.update(repeating: 0, count: pad.top * wp + pad.left)
        for r in 0..<height {
            (dst + (r + pad.top) * wp + pad.left + width).update(repeating: 0, count: pad.right + (r + 1 < height ? pad.left : 0))
        }
        let tail = (pad.top + height) * wp
        (dst + tail).update(repeating: 0, count: plane - tail)
    }

    /// 48-position blocks per work item of `shiftedF32`.
    static let f32ItemBlocks = 4

    /// Grid positions per parallel work item of `shiftedBF16` (whole kernel blocks of 48).
    static let bf16ChunkPositions = 48 * 8

    /// `shiftedGEMM` with bf16 operands: the input rounded to bf16 and stored as channel pairs on the padded grid,
    /// the weights as [tap][Cout][Cin/2] pairs, and `jk_conv_bf16` over chunks of grid positions in parallel. Each
    /// output's summation order is fixed by the shapes alone (taps, then channel pairs), whatever the split.
    static func shiftedBF16(_ input: consuming Tensor, normalizedBy affine: ChannelAffine?, weight: Tensor, bias: Tensor?,
                            padding pad: (top: Int, bottom: Int, left: Int, right: Int)) -> Tensor {
        let (batch, cin, height, width, cout, kh, kw, hp, wp, outH, outW) = stride1Sides(input, weight, pad)
        precondition(outH > 0 && outW > 0, "conv2d: output would be empty")
        let pairs = (cin + 1) / 2, taps = kh * kw
        // Blocks of 48 positions read up to 47 words past the last computed position, plus the largest tap shift.
        let plane = hp * wp + wp + 64
        let packed = UnsafeMutablePointer<UInt32>.allocate(capacity: taps * cout * pairs)
        // Only the padding is cleared (below, with each plane's rows): the interior is written for every image.
        let gridStorage = TensorStorage(uninitializedByteCount: pairs * plane * 4)
        let grid = gridStorage.base.bindMemory(to: UInt32.self, capacity: pairs * plane)
        defer { packed.deallocate(); withExtendedLifetime(gridStorage) {} }
        let w = UnsafeRawPointer(weight.rawPointer).assumingMemoryBound(to: UInt16.self)
        for t in 0..<taps { for o in 0..<cout { for c in 0..<pairs {
            let even = UInt32(w[(o * cin + 2 * c) * taps + t])
            let odd = 2 * c + 1 < cin ? UInt32(w[(o * cin + 2 * c + 1) * taps + t]) : 0
            packed[(t * cout + o) * pairs + c] = even | odd << 16
        } } }
        let biasValues = bias?.toF32()
        let positions = outH * wp, chunks = (positions + bf16ChunkPositions - 1) / bf16ChunkPositions
        let level = Int32(KernelDispatch.level)
        let result = perImage(consume input, output: [batch, cout, outH, outW]) { x, n in
            Parallel.forEachChunk(pairs, minChunk: 4) { range in
                // With an affine, each row pair is normalised into these two rows first, then packed.
                withUnsafeTemporaryAllocation(of: Float.self, capacity: affine == nil ? 0 : 2 * width) { rows in
                    for c in range {
                        let even = x + (n * cin + 2 * c) * height * width
                        let odd: UnsafePointer<Float>? = 2 * c + 1 < cin ? even + height * width : nil
                        let dst = grid + c * plane
                        if n == 0 { clearPadding(dst, plane: plane, height: height, width: width, wp: wp, pad: pad) }
                        for r in 0..<height {
                            var e = even + r * width, o = odd.map { $0 + r * width }
                            if let affine, let scratch = rows.baseAddress {
                                affine.apply(e, count: width, image: n, channel: 2 * c, into: scratch, level: level)
                                e = UnsafePointer(scratch)
                                if let odd = o {
                                    affine.apply(odd, count: width, image: n, channel: 2 * c + 1, into: scratch + width, level: level)
                                    o = UnsafePointer(scratch + width)
                                }
                            }
                            jk_pack_bf16_pairs(level, e, o, width, dst + (r + pad.top) * wp + pad.left)
                        }
                    }
                }
            }
        } compute: { y, n in
            let b = biasValues.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) }
            Parallel.forEachChunk(chunks) { range in
                let p0 = range.lowerBound * bf16ChunkPositions, p1 = min(positions, range.upperBound * bf16ChunkPositions)
                _ = jk_conv_bf16(grid, plane, Int32(pairs), Int32(wp), packed, Int32(cout), Int32(kh), Int32(kw), b,
                                 y + n * cout * outH * outW, Int32(outH), Int32(outW), Int32(p0), Int32(p1))
            }
        }
        withExtendedLifetime(biasValues) {}
        return result
    }

    /// Output tile pairs per pass of `shiftedAMX` over the weights: each 32-channel weight block serves that many
    /// tile pairs while it is in L1/L2, instead of every weight being read again for each pair. 8 was as fast as or
    /// faster than 1, 4 and 16 at every VQ decoder shape (one core, conv_amx.c alone: 128 ch at 384² 48–58 ms vs
    /// 65–79 at 1; 512 ch at 48² 12–20 vs 18–21; 256 ch at 192² 43–44 vs 51–136).
    nonisolated(unsafe) public static var amxBlockPairs = 8
    /// A block size forced for the current task (tests: the blocking must not change a bit).
    @TaskLocal static var forcedAMXBlockPairs: Int?

    public static func withAMXBlockPairs<R>(_ pairs: Int, _ body: () throws -> R) rethrows -> R {
        try $forcedAMXBlockPairs.withValue(pairs) { try body() }
    }

    /// Which kernel a bf16 convolution of these operands takes now, for tests and benchmarks.
    public static func bf16Path(options: Options = Options()) -> String {
        let shifted = options.groups == 1 && options.stride == (1, 1) && options.dilation == (1, 1)
        if shifted && KernelDispatch.amxActive { return "AMX tiles" }
        if shifted && KernelDispatch.computeBoundBF16Dots { return "AVX512-BF16 dot products" }
        if shifted && KernelDispatch.f32ConvDirect(taps: 9) { return "f32 kernels on rounded input (avx512, rounded in the grid)" }
        return "f32 kernels on rounded input (\(KernelDispatch.levelName))"
    }

    /// `shiftedBF16` on AMX tiles (CKernels/conv_amx.c): the input rounded to bf16 on a zero-padded grid stored row
    /// by row as lines of channel-pair words (row pitch `pitch`, an odd multiple of 16 words so the 16 lines of a
    /// tile fall in different cache sets; channels padded with zeros to a multiple of 32), the weights packed once
    /// per call into 16 × 32 A tiles per tap. Work is split over pairs of 16-column output tiles; each output's sum
    /// (bias, then taps, then 32-channel blocks) is fixed by the shapes, so the thread count does not change a bit.
    static func shiftedAMX(_ input: Tensor, weight: Tensor, bias: Tensor?,
                           padding pad: (top: Int, bottom: Int, left: Int, right: Int)) -> Tensor {
        let (batch, cin, height, width, cout, kh, kw, hp, wp, outH, outW) = stride1Sides(input, weight, pad)
        precondition(outH > 0 && outW > 0, "conv2d: output would be empty")
        let out = Tensor(uninitialized: [batch, cout, outH, outW])
        let rowTiles = (outW + 15) / 16, tilePairs = (outH * rowTiles + 1) / 2
        var pitch = (max(wp, rowTiles * 16 + kw - 1) + 15) / 16 * 16
        if (pitch / 16) % 2 == 0 { pitch += 16 }
        let lines = (cin + 31) / 32 * 16
        // Every word is written by jk_conv_amx_pack_grid (the padding as zeros).
        let gridStorage = TensorStorage(uninitializedByteCount: hp * lines * pitch * 4)
        let grid = gridStorage.base.bindMemory(to: UInt32.self, capacity: hp * lines * pitch)
        let ctiles = (cout + 15) / 16
        let packedCount = jk_conv_amx_weight_count(Int32(cout), Int32(cin), Int32(kh), Int32(kw))
        let packed = UnsafeMutablePointer<UInt16>.allocate(capacity: packedCount)
        defer { packed.deallocate(); withExtendedLifetime(gridStorage) {} }
        let w = UnsafeRawPointer(weight.rawPointer).assumingMemoryBound(to: UInt16.self)
        Parallel.forEachChunk(ctiles) { range in
            jk_conv_amx_pack_weights(w, Int32(cout), Int32(cin), Int32(kh), Int32(kw), Int32(range.lowerBound), Int32(range.upperBound), packed)
        }
        let biasValues = bias?.toF32()
        let block = forcedAMXBlockPairs ?? amxBlockPairs
        let level = Int32(KernelDispatch.level)
        input.withFloats { px in out.withMutableFloats { py in
            let x = px.baseAddress!, y = py.baseAddress!
            let b = biasValues.map { UnsafePointer($0.rawPointer.assumingMemoryBound(to: Float.self)) }
            for n in 0..<batch {
                Parallel.forEachChunk(hp, minChunk: 4) { rows in
                    jk_conv_amx_pack_grid(level, x + n * cin * height * width, Int32(cin), Int32(height), Int32(width), Int32(pad.top),
                                          Int32(pad.left), Int32(pitch), Int32(lines), grid, Int32(rows.lowerBound), Int32(rows.upperBound))
                }
                Parallel.forEachChunk(tilePairs) { range in
                    let done = jk_conv_amx(grid, Int32(lines), Int32(pitch), packed, Int32(cin), Int32(cout), Int32(kh), Int32(kw), b,
                                           y + n * cout * outH * outW, Int32(outH), Int32(outW), Int32(range.lowerBound),
                                           Int32(range.upperBound), Int32(block))
                    precondition(done != 0, "conv2d: the AMX kernel refused (tile state or memory)")
                }
            }
        } }
        withExtendedLifetime(biasValues) {}
        return out
    }
}
