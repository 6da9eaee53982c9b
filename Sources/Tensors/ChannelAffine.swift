import CKernels

/// y = x·scale + shift per image and channel, then SiLU when `silu`: a GroupNorm's effect on one tensor, computed
/// from its statistics (`Normalization.groupNormAffine`) but not yet applied. A convolution that reads a normalised
/// tensor can apply it while it packs its input grid row by row (`Conv2D.apply(_:normalizedBy:…)`), so the
/// normalised tensor is never stored: one image-sized block and one write and read of it less per ResnetBlock.
/// Rows go through the kernel `groupNorm` uses (`jk_scale_shift`, position-independent), so the values are
/// GroupNorm's bit for bit.
public struct ChannelAffine: Sendable {
    /// Images × channels of the tensor it was computed from.
    public let images: Int, channels: Int
    /// Per (image, channel), index `n · channels + c`.
    public let scale: [Float], shift: [Float]
    public let silu: Bool

    public init(images: Int, channels: Int, scale: [Float], shift: [Float], silu: Bool) {
        precondition(scale.count == images * channels && shift.count == images * channels,
                     "channel affine: \(scale.count) scales and \(shift.count) shifts for \(images) × \(channels)")
        self.images = images; self.channels = channels; self.scale = scale; self.shift = shift; self.silu = silu
    }

    /// `count` values of image `n`, channel `c` from `src` to `dst` (which may be `src`).
    @inline(__always)
    func apply(_ src: UnsafePointer<Float>, count: Int, image n: Int, channel c: Int, into dst: UnsafeMutablePointer<Float>, level: Int32) {
        let i = n * channels + c
        jk_scale_shift(level, src, count, scale[i], shift[i], silu ? 1 : 0, dst)
    }

    /// The affine applied to `x` (NC…), into a new tensor.
    public func applied(to x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[0] == images && x.shape[1] == channels, "channel affine for \(images) × \(channels) on \(x.shape)")
        let spatial = x.count / max(images * channels, 1)
        let out = Tensor(uninitialized: x.shape)
        let level = Int32(KernelDispatch.level)
        x.withFloats { px in out.withMutableFloats { py in
            let (px, py) = (px.baseAddress!, py.baseAddress!)
            Parallel.forEachChunk(images * channels, minChunk: 1) { range in
                for nc in range {
                    apply(px + nc * spatial, count: spatial, image: nc / channels, channel: nc % channels, into: py + nc * spatial, level: level)
                }
            }
        } }
        return out
    }
}
