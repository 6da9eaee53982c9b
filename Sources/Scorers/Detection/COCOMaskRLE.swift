/// COCO's run-length encoding of a binary mask, as pycocotools writes it (`mask.encode`, then the compressed
/// string of `maskApi.c` `rleToString`): `{"size": [h, w], "counts": "…"}`.
///
/// - Runs are taken over the pixels in column-major order (x outer, y inner: Fortran order, as pycocotools wants its
///   masks), alternating 0-runs and 1-runs, starting with a 0-run (possibly empty).
/// - The string: each count, less the count two before it from the fourth count on (`if (i > 2) x -= cnts[i-2]`:
///   pycocotools' own rule — the third count is written whole), as a little-endian sequence of 5-bit groups with a
///   sign bit (0x10) and a continuation bit (0x20) per character, each character + 48.
public struct COCOMaskRLE: Equatable, Sendable {
    public var height: Int
    public var width: Int
    public var counts: [Int]

    public init(height: Int, width: Int, counts: [Int]) {
        self.height = height; self.width = width; self.counts = counts
    }

    /// The runs of a row-major mask (`mask[y * width + x]`), as pycocotools counts them (column-major).
    public init(mask: [Bool], height: Int, width: Int) {
        precondition(mask.count == height * width, "a mask of \(mask.count) pixels is not \(height)×\(width)")
        self.height = height; self.width = width
        var counts: [Int] = []
        var current = false, run = 0
        for x in 0..<width {
            for y in 0..<height {
                let v = mask[y * width + x]
                if v != current { counts.append(run); run = 0; current = v }
                run += 1
            }
        }
        counts.append(run)
        self.counts = counts
    }

    /// The row-major mask.
    public func mask() throws -> [Bool] {
        let total = counts.reduce(0, +)
        guard counts.allSatisfy({ $0 >= 0 }), total == height * width else {
            throw COCOMaskRLEError.badCounts(detail: "the runs cover \(total) pixels; a \(height)×\(width) mask has \(height * width)")
        }
        var out = [Bool](repeating: false, count: height * width)
        var index = 0, value = false
        for run in counts {
            if value {
                for i in index..<(index + run) { out[(i % height) * width + i / height] = true }
            }
            index += run
            value.toggle()
        }
        return out
    }

    /// pycocotools' compressed counts string (`rleToString`).
    public var countsString: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count * 2)
        for i in counts.indices {
            var x = counts[i]
            if i > 2 { x -= counts[i - 2] }
            var more = true
            while more {
                var c = x & 0x1f
                x >>= 5
                more = (c & 0x10) != 0 ? x != -1 : x != 0
                if more { c |= 0x20 }
                bytes.append(UInt8(c + 48))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads pycocotools' compressed counts string (`rleFrString`).
    public init(height: Int, width: Int, countsString: String) throws {
        let bytes = Array(countsString.utf8)
        var counts: [Int] = []
        var p = 0
        while p < bytes.count {
            var x = 0, k = 0, more = true
            while more {
                guard p < bytes.count else {
                    throw COCOMaskRLEError.badCounts(detail: "the counts string ends inside a number (at character \(p))")
                }
                let c = Int(bytes[p]) - 48
                guard (0..<64).contains(c), k < 12 else {
                    throw COCOMaskRLEError.badCounts(detail: "character \(p) ('\(UnicodeScalar(bytes[p]))') is not an RLE digit ('0'…'o')")
                }
                x |= (c & 0x1f) << (5 * k)
                more = (c & 0x20) != 0
                p += 1; k += 1
                if !more && (c & 0x10) != 0 { x |= -1 << (5 * k) }
            }
            if counts.count > 2 { x += counts[counts.count - 2] }
            counts.append(x)
        }
        self.init(height: height, width: width, counts: counts)
    }
}

public enum COCOMaskRLEError: Error, CustomStringConvertible, Equatable {
    case badCounts(detail: String)

    public var description: String {
        switch self {
        case .badCounts(let detail): return "not a COCO RLE mask: \(detail)"
        }
    }
}
