#if canImport(Glibc)
import Glibc
#endif

/// Standard normal noise from numpy's `default_rng` stream, by the Box–Muller transform, so that anyone can redo it
/// in numpy:
///
///     rng = np.random.default_rng(seed)
///     u = rng.random(2 * ((n + 1) // 2)).reshape(-1, 2)
///     r = np.sqrt(-2.0 * np.log1p(-u[:, 0]))
///     angle = 2.0 * np.pi * u[:, 1]
///     z = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1).reshape(-1)[:n].astype(np.float32)
///
/// Everything is computed in double and rounded to float32 at the end (numpy's float64 log/cos/sin may differ from
/// glibc's in the last bit of a double, which moves a float32 only when it sits exactly on a rounding boundary).
extension NumpyRandom {
    public mutating func standardNormals(_ count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        var i = 0
        while i < count {
            let u1 = random(), u2 = random()
            let r = (-2.0 * log1p(-u1)).squareRoot()
            let angle = 2.0 * Double.pi * u2
            out[i] = Float(r * cos(angle))
            if i + 1 < count { out[i + 1] = Float(r * sin(angle)) }
            i += 2
        }
        return out
    }
}
