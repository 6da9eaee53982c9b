import Formats

/// A pytorch-fid compatible statistics file: an `.npz` holding `mu` (d) and `sigma` (d × d), and optionally the raw
/// `features` (n × d) that KID needs. Reading validates the shapes and names the file and the array on any mismatch.
public struct StatisticsFile: Sendable {
    public var path: String
    public var statistics: GaussianStatistics
    /// Row-major n × d, when the file holds them.
    public var features: [Double]?

    public init(path: String) throws {
        self.path = path
        let arrays = try NPZArchive.read(file: path)
        guard let mu = arrays["mu"], let sigma = arrays["sigma"] else {
            throw NumPyError(file: path, detail: "expected arrays 'mu' and 'sigma' (pytorch-fid statistics); found \(arrays.keys.sorted().joined(separator: ", "))")
        }
        let d = mu.count
        guard mu.shape.count == 1, sigma.shape == [d, d] else {
            throw NumPyError(file: path, detail: "mu has shape \(mu.shape) and sigma \(sigma.shape); expected (d,) and (d, d)")
        }
        if let f = arrays["features"] {
            guard f.shape.count == 2, f.shape[1] == d else {
                throw NumPyError(file: path, detail: "features have shape \(f.shape); expected (n, \(d))")
            }
            features = f.doubles()
        }
        statistics = GaussianStatistics(mu: mu.doubles(), sigma: sigma.doubles(), sampleCount: features.map { $0.count / d })
    }

    /// Writes `mu` and `sigma` as float64 (what `np.savez_compressed(path, mu=…, sigma=…)` holds; numpy's `np.load`
    /// reads it, stored rather than deflated), and the features as float32 (n × d) when given.
    public static func write(_ statistics: GaussianStatistics, features: [[Float]]? = nil, to path: String) throws {
        let d = statistics.dimension
        var arrays: [(name: String, array: NPYArray)] = [("mu", NPYArray(doubles: statistics.mu, shape: [d])),
                                                         ("sigma", NPYArray(doubles: statistics.sigma, shape: [d, d]))]
        if let features { arrays.append(("features", NPYArray(floats: features.flatMap { $0 }, shape: [features.count, d]))) }
        try NPZArchive.write(arrays, to: path)
    }
}
