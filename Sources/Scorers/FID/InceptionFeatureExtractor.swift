import Foundation
import Formats
import Tensors

/// Inception features of image files: read → SHA-256 of the bytes → the cache, or decode (PNG/JPEG as Pillow's
/// `convert('RGB')`) → preprocess (`FIDPreprocessing`) → the network in batches → the cache. Features come back in
/// the order of the files given; they do not depend on the batch size or the thread count.
public final class InceptionFeatureExtractor {
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var fromCache: Int
        public var elapsed: Double
        /// Images computed (not read from the cache) per second so far.
        public var imagesPerSecond: Double
        public var etaSeconds: Double

        public init(done: Int, total: Int, fromCache: Int, elapsed: Double, imagesPerSecond: Double, etaSeconds: Double) {
            self.done = done; self.total = total; self.fromCache = fromCache; self.elapsed = elapsed
            self.imagesPerSecond = imagesPerSecond; self.etaSeconds = etaSeconds
        }
    }

    /// A folder's (or a file list's) features.
    public struct FeatureSet: Sendable {
        /// Item ids: paths relative to the folder.
        public var ids: [String]
        /// One row per image, the block's width each.
        public var features: [[Float]]
        public var fromCache: Int
        public var seconds: Double

        public func statistics() throws -> GaussianStatistics {
            guard let d = features.first?.count else { throw FIDError.tooFewSamples(0) }
            var s = FeatureStatistics(dimension: d)
            var start = 0
            while start < features.count {   // in slices: bounded memory for the Double copy
                let end = min(features.count, start + 512)
                try s.add(features[start..<end].map { $0.map(Double.init) })
                start = end
            }
            return try s.gaussian()
        }
    }

    public let network: InceptionV3
    /// SHA-256 of the weights file (part of every cache key and of the run configuration).
    public let weightsDigest: String
    public let mode: FIDPreprocessing
    public let block: Int
    public var dims: Int { network.blockWidths[block] }
    public var batchSize: Int
    public var cache: FeatureCache?

    public init(network: InceptionV3, weightsDigest: String, mode: FIDPreprocessing, block: Int, batchSize: Int = 16,
                cacheRoot: String? = FeatureCache.defaultRoot()) {
        self.network = network; self.weightsDigest = weightsDigest; self.mode = mode; self.block = block
        self.batchSize = max(1, batchSize)
        cache = cacheRoot.map { FeatureCache(root: $0, weightsDigest: weightsDigest, mode: mode, dims: network.blockWidths[block]) }
    }

    /// Loads the weights (see `InceptionWeights.locate`; `demo` makes `DemoInception`) and picks the block of width `dims`.
    public convenience init(weights: String?, mode: FIDPreprocessing, dims: Int, batchSize: Int = 16,
                            cacheRoot: String? = FeatureCache.defaultRoot()) throws {
        if weights == DemoInception.name {
            let (network, digest) = try DemoInception.make()
            self.init(network: network, weightsDigest: digest, mode: mode, block: try network.block(forDims: dims), batchSize: batchSize,
                      cacheRoot: cacheRoot)
            return
        }
        let file = try InceptionWeights.locate(explicit: weights)
        let network = try InceptionV3(file: file)
        self.init(network: network, weightsDigest: try SHA256.hexDigest(file: file), mode: mode, block: try network.block(forDims: dims),
                  batchSize: batchSize, cacheRoot: cacheRoot)
    }

    /// The images of a folder, listed as `mode`'s reference tool lists them.
    public func features(folder: String, progress: (Progress) -> Void = { _ in }) throws -> FeatureSet {
        let ids = try ImageFolderListing.images(in: folder, mode: mode)
        return try features(files: ids.map { folder + "/" + $0 }, ids: ids, progress: progress)
    }

    public func features(files: [String], ids: [String]? = nil, progress: (Progress) -> Void = { _ in }) throws -> FeatureSet {
        let start = Date()
        var rows = [[Float]?](repeating: nil, count: files.count)
        var pending: [(index: Int, digest: String, data: Data)] = []
        var fromCache = 0, computed = 0, done = 0
        func report() {
            let elapsed = Date().timeIntervalSince(start)
            let rate = computed > 0 ? Double(computed) / elapsed : 0
            progress(Progress(done: done, total: files.count, fromCache: fromCache, elapsed: elapsed, imagesPerSecond: rate,
                              etaSeconds: rate > 0 ? Double(files.count - done) / rate : 0))
        }
        func flush() throws {
            guard !pending.isEmpty else { return }
            let input = try batchInput(pending.map { ($0.data, files[$0.index]) })
            let out = network.features(input, block: block)
            for (p, row) in zip(pending, out) {
                rows[p.index] = row
                try cache?.store(row, imageDigest: p.digest)
            }
            computed += pending.count; done += pending.count
            pending.removeAll(keepingCapacity: true)
            report()
        }
        for (i, file) in files.enumerated() {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw InceptionError.unsupportedImage(file: file, detail: FileManager.default.fileExists(atPath: file) ? "cannot read the file" : "no such file")
            }
            let digest = SHA256.hexDigest([UInt8](data))
            if let hit = cache?.features(imageDigest: digest) {
                rows[i] = hit; fromCache += 1; done += 1
                if done % 64 == 0 { report() }
                continue
            }
            guard ImageDecoder.format(of: data) != nil else {
                let ext = (file as NSString).pathExtension
                throw InceptionError.unsupportedImage(file: file, detail: "janus-eval reads PNG and JPEG images (found by their signature); this .\(ext) file is neither — convert it to PNG (e.g. with Pillow: Image.open(f).convert('RGB').save(g))")
            }
            pending.append((i, digest, data))
            if pending.count == batchSize { try flush() }
        }
        try flush()
        if done == files.count { report() }
        return FeatureSet(ids: ids ?? files, features: rows.map { $0! }, fromCache: fromCache, seconds: Date().timeIntervalSince(start))
    }

    /// The network's input [B, 3, 299, 299] for a batch of encoded images: decoded and preprocessed in parallel
    /// (each image on one thread, written into its own slot, so nothing depends on the split); the first failure in
    /// file order is thrown.
    func batchInput(_ images: [(data: Data, file: String)]) throws -> Tensor {
        let size = InceptionV3.inputSize, per = 3 * size * size
        let input = Tensor(uninitialized: [images.count, 3, size, size])
        var failures = [Error?](repeating: nil, count: images.count)
        let mode = self.mode
        input.withMutableFloats { dst in failures.withUnsafeMutableBufferPointer { failed in
            Parallel.forEachChunk(images.count) { range in
                for j in range {
                    do {
                        let values = mode.input(try ImageDecoder.decode(images[j].data, file: images[j].file))
                        precondition(values.count == per, "preprocessing made \(values.count) values, not \(per)")
                        values.withUnsafeBufferPointer { (dst.baseAddress! + j * per).update(from: $0.baseAddress!, count: per) }
                    } catch {
                        failed[j] = error
                    }
                }
            }
        } }
        if let first = failures.compactMap({ $0 }).first { throw first }
        return input
    }
}
