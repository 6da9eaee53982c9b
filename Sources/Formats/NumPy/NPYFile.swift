import Foundation

/// Errors from .npy / .npz files, naming the file (and the archive entry).
public struct NumPyError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var detail: String
    public var description: String { "\(file): \(detail)" }
    public init(file: String, detail: String) { self.file = file; self.detail = detail }
}

/// The `.npy` format (versions 1–3): magic, version, a little-endian header length, a Python-literal header
/// dict (`descr`, `fortran_order`, `shape`), then the data. Validated strictly: the data must have exactly the
/// length the header announces.
public enum NPYFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    static let maxHeaderLength = 1 << 20

    public static func read(file path: String) throws -> NPYArray {
        guard let data = FileContents.read(path) else {
            throw NumPyError(file: path, detail: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        return try decode([UInt8](data), file: path)
    }

    public static func decode(_ bytes: [UInt8], file: String) throws -> NPYArray {
        func fail(_ detail: String) -> NumPyError { NumPyError(file: file, detail: detail) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1: headerLength = Int(bytes[8]) | Int(bytes[9]) << 8; headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24; headerStart = 12
        default: throw fail("unsupported .npy version \(major).\(bytes[7])")
        }
        guard headerLength <= maxHeaderLength, headerStart + headerLength <= bytes.count else {
            throw fail("header length \(headerLength) runs past the end of the \(bytes.count)-byte file (truncated?)")
        }
        let header = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
        let (type, fortran, shape) = try parseHeader(header, fail: fail)
        let dataStart = headerStart + headerLength
        let (count, overflow) = shape.reduce((1, false)) { acc, d in let r = acc.0.multipliedReportingOverflow(by: d); return (r.partialValue, acc.1 || r.overflow) }
        let expected = count.multipliedReportingOverflow(by: type.byteSize)
        guard !overflow, !expected.overflow else { throw fail("shape \(shape) is too large") }
        guard bytes.count - dataStart == expected.partialValue else {
            throw fail("header says \(shape) of \(type.rawValue) = \(expected.partialValue) bytes, but the file holds \(bytes.count - dataStart) bytes of data")
        }
        return NPYArray(elementType: type, shape: shape, fortranOrder: fortran, bytes: Array(bytes[dataStart...]))
    }

    /// Parses "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }".
    static func parseHeader(_ header: String, fail: (String) -> NumPyError) throws -> (NPYArray.ElementType, Bool, [Int]) {
        func value(of key: String) throws -> Substring {
            guard let keyRange = header.range(of: "'\(key)':") else { throw fail("header has no '\(key)' (header: \(header.prefix(120)))") }
            return header[keyRange.upperBound...].drop { $0 == " " }
        }
        let descrText = try value(of: "descr")
        guard descrText.first == "'", let end = descrText.dropFirst().firstIndex(of: "'") else { throw fail("header 'descr' is not a string") }
        var descr = String(descrText[descrText.index(after: descrText.startIndex)..<end])
        if let first = descr.first, "<|=>".contains(first) {
            guard first != ">" || descr.hasSuffix("1") else { throw fail("big-endian data ('\(descr)') is not supported") }
            descr.removeFirst()
        }
        guard let type = NPYArray.ElementType(rawValue: descr) else {
            throw fail("element type '\(descr)' is not supported (supported: \(NPYArray.ElementType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let fortranText = try value(of: "fortran_order")
        let fortran: Bool
        if fortranText.hasPrefix("True") { fortran = true } else if fortranText.hasPrefix("False") { fortran = false } else {
            throw fail("header 'fortran_order' is neither True nor False")
        }
        let shapeText = try value(of: "shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else { throw fail("header 'shape' is not a tuple") }
        let inside = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
        var shape: [Int] = []
        for part in inside.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let d = Int(t.hasSuffix("L") ? String(t.dropLast()) : t), d >= 0 else { throw fail("header 'shape' has a bad dimension '\(t)'") }
            shape.append(d)
        }
        return (type, fortran, shape)
    }

    /// Version-1 .npy bytes (header padded to a multiple of 64 bytes, as numpy writes it).
    public static func encode(_ array: NPYArray) -> [UInt8] {
        let shapeText = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(array.elementType.byteSize == 1 ? "|" : "<")\(array.elementType.rawValue)', 'fortran_order': \(array.fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        let length = header.utf8.count
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + array.bytes
    }

    public static func write(_ array: NPYArray, to path: String) throws {
        do { try Data(encode(array)).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw NumPyError(file: path, detail: "cannot write: \(FileProblem.writeReason(path, error: error))")
        }
    }
}
