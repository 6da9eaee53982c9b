import Foundation
import Formats
import Models
import Tensors

/// Initial latents on disk (issue 17): `noise.npy`, float32 [P, C, side, side] in C order, numpy-loadable.
/// `--init-noise FILE.npy` reads one back (float32, or float64 rounded to float32 and recorded as such), checked
/// against the model's latent shape and the number of images.
public enum NoiseFile {
    /// What `generate --help` and the README say about the noise generator (recorded in generation.json).
    public static let generatorDescription =
        "image i: numpy default_rng(splitmix64(seed ^ splitmix64(i + 0x9E3779B9))); u = rng.random(2*ceil(n/2)) as pairs (u1, u2); "
        + "r = sqrt(-2*log1p(-u1)); values r*cos(2*pi*u2), r*sin(2*pi*u2) in turn, in float64, then float32, in [C, side, side] order"

    public static func write(_ noise: Tensor, to path: String) throws {
        do { try NPYFile.write(NPYArray(floats: noise.toFloats(), shape: noise.shape), to: path) } catch {
            throw HarnessError.output(path: path, reason: "cannot write the noise file (\(error))")
        }
    }

    /// Reads `path` and checks it is [images] + `perImage`.
    public static func read(_ path: String, images: Int, perImage: [Int]) throws -> (noise: Tensor, dtype: String) {
        let array: NPYArray
        do { array = try NPYFile.read(file: path) } catch {
            throw HarnessError.outputs(path: path, reason: "cannot read the initial noise (\(error))")
        }
        guard array.elementType == .f4 || array.elementType == .f8 else {
            throw HarnessError.outputs(path: path, reason: "the initial noise must be float32 (or float64), not \(array.elementType.rawValue)")
        }
        let expected = [images] + perImage
        guard array.shape == expected else {
            throw HarnessError.outputs(path: path, reason: "the initial noise has shape \(array.shape); this model and --parallel/--samples need \(expected) ([images, latent channels, side, side])")
        }
        let values = array.doubles().map { Float($0) }
        guard values.allSatisfy(\.isFinite) else {
            throw HarnessError.outputs(path: path, reason: "the initial noise holds non-finite values")
        }
        return (Tensor(shape: expected, floats: values), array.elementType == .f4 ? "float32" : "float64 (rounded to float32)")
    }
}
