import Formats

/// Images → one feature vector each (the scorer networks: Inception-v3 pool features for FID, CLIP embeddings).
public protocol ImageFeatures: AnyObject, Sendable {
    /// Length of every vector.
    var dimension: Int { get }
    /// How images are resized and normalised before the network, named in results (e.g. `pytorch-fid`).
    var preprocessing: String { get }
    func features(of images: [RGBImage]) throws -> [[Float]]
}
