/// GPT-2's reversible byte ↔ printable-character table (used by byte-level BPE): printable Latin-1 bytes map
/// to themselves, the other 68 bytes to U+0100 onwards.
enum ByteLevel {
    static let byteToScalar: [Unicode.Scalar] = {
        var printable = Array(33...126) + Array(161...172) + Array(174...255)
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next = 256
        for b in 0..<256 {
            if printable.contains(b) {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(UInt32(next))!
                next += 1
            }
        }
        printable.removeAll()
        return table
    }()

    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { map[s.value] = UInt8(b) }
        return map
    }()

    /// The byte-level spelling of a piece of text (its UTF-8 bytes through the table).
    static func encode(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        for s in scalars {
            let v = s.value
            if v < 0x80 {
                out.append(byteToScalar[Int(v)])
            } else if v < 0x800 {
                out.append(byteToScalar[Int(0xC0 | (v >> 6))]); out.append(byteToScalar[Int(0x80 | (v & 0x3F))])
            } else if v < 0x10000 {
                out.append(byteToScalar[Int(0xE0 | (v >> 12))]); out.append(byteToScalar[Int(0x80 | ((v >> 6) & 0x3F))])
                out.append(byteToScalar[Int(0x80 | (v & 0x3F))])
            } else {
                out.append(byteToScalar[Int(0xF0 | (v >> 18))]); out.append(byteToScalar[Int(0x80 | ((v >> 12) & 0x3F))])
                out.append(byteToScalar[Int(0x80 | ((v >> 6) & 0x3F))]); out.append(byteToScalar[Int(0x80 | (v & 0x3F))])
            }
        }
        return String(out)
    }

    /// Bytes back from byte-level characters (characters outside the table are kept as their UTF-8).
    static func decode(_ token: String, into bytes: inout [UInt8]) {
        for s in token.unicodeScalars {
            if let b = scalarToByte[s.value] { bytes.append(b) } else { bytes.append(contentsOf: Array(String(s).utf8)) }
        }
    }
}
