import Foundation
import Formats
import Testing
import TestSupport

/// Hostile inputs built in the test: deep nesting, cycles, shared sub-values that expand exponentially, sizes
/// that overflow. Each is refused with a message naming the file and the limit — never a stack overflow, a hang
/// or a runaway allocation (issue 12).
@Suite struct ReaderLimitsTests {
    private func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    private func load(_ bytes: [UInt8], file: String = "deep.pkl") -> String {
        bytes.withUnsafeBytes { raw in message { var r = PickleReader(bytes: raw, file: file); _ = try r.load() } }
    }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = FixturePaths.temporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static let proto: [UInt8] = [0x80, 0x02]
    static let stop: [UInt8] = [0x2E]
    static let limit = PickleReader.maxDepth

    /// 40,000 nested tuples: MARK × n, then TUPLE × n (what crashed `inspect` and `ask --weights`).
    static let markTuples: [UInt8] = proto + [UInt8](repeating: 0x28, count: 40_000) + [UInt8](repeating: 0x74, count: 40_000) + stop

    @Test func fortyThousandNestedTuplesAreRefusedAtTheLimit() {
        let text = load(Self.markTuples)
        #expect(text.contains("deep.pkl: pickle at byte \(2 + 40_000 + Self.limit)"), "\(text)")
        #expect(text.contains("nested \(Self.limit + 1) deep; the limit is \(Self.limit)"), "\(text)")
    }

    @Test func everyNestingOpcodeIsBounded() {
        let n = 5_000
        let cases: [(String, [UInt8])] = [
            ("TUPLE1", Self.proto + [0x29] + [UInt8](repeating: 0x85, count: n) + Self.stop),
            ("TUPLE2", Self.proto + [0x29] + [0x4E, 0x86].repeated(n) + Self.stop),
            ("TUPLE3", Self.proto + [0x29] + [0x4E, 0x4E, 0x87].repeated(n) + Self.stop),
            ("LIST", Self.proto + [UInt8](repeating: 0x28, count: n) + [UInt8](repeating: 0x6C, count: n) + Self.stop),
            ("DICT", Self.proto + [0x28, 0x4B, 0x01].repeated(n) + [0x7D] + [UInt8](repeating: 0x64, count: n) + Self.stop),
            ("APPEND", Self.proto + [UInt8](repeating: 0x5D, count: n) + [UInt8](repeating: 0x61, count: n - 1) + Self.stop),
            ("APPENDS", Self.proto + [0x5D, 0x28].repeated(n) + [0x5D] + [UInt8](repeating: 0x65, count: n) + Self.stop),
            ("SETITEM", Self.proto + [0x7D, 0x4B, 0x01].repeated(n) + [0x7D] + [UInt8](repeating: 0x73, count: n) + Self.stop),
            ("SETITEMS", Self.proto + [0x7D, 0x28, 0x4B, 0x01].repeated(n) + [0x7D] + [UInt8](repeating: 0x75, count: n) + Self.stop),
        ]
        for (name, bytes) in cases {
            let text = load(bytes, file: "\(name).pkl")
            #expect(text.contains("\(name).pkl: pickle at byte") && text.contains("the limit is \(Self.limit)"), "\(name): \(text)")
        }
    }

    @Test func aValueExactlyAtTheLimitLoadsDescribesAndFreesQuickly() throws {
        let depth = Self.limit
        let bytes = Self.proto + [0x29] + [UInt8](repeating: 0x85, count: depth - 1) + Self.stop
        let value = try bytes.withUnsafeBytes { raw -> PickleValue in var r = PickleReader(bytes: raw, file: "ok.pkl"); return try r.load() }
        #expect(value.description.count < 400)
        #expect(value.description.hasPrefix("((((("))
    }

    @Test func cyclesAndChangesAfterNestingAreRefused() {
        // EMPTY_LIST, MEMOIZE, BINGET 0, APPEND: a list inside itself.
        let selfList = load(Self.proto + [0x5D, 0x94, 0x68, 0x00, 0x61] + Self.stop, file: "cycle.pkl")
        #expect(selfList.contains("cycle.pkl: pickle at byte 6: APPEND puts a list into itself"), "\(selfList)")
        // EMPTY_DICT, MEMOIZE, 'k', BINGET 0, SETITEM: a dict inside itself.
        let selfDict = load(Self.proto + [0x7D, 0x94, 0x8C, 0x01, 0x6B, 0x68, 0x00, 0x73] + Self.stop, file: "cycle.pkl")
        #expect(selfDict.contains("SETITEM puts a dict into itself"), "\(selfDict)")
        // L1 (memo 0), L2, L1 again, APPEND (L1 becomes an item of L2), POP, 5, APPEND to L1: refused.
        let later = load(Self.proto + [0x5D, 0x94, 0x5D, 0x68, 0x00, 0x61, 0x30, 0x4B, 0x05, 0x61] + Self.stop, file: "later.pkl")
        #expect(later.contains("later.pkl: pickle at byte 11: APPEND changes a container that is already an item of another one"), "\(later)")
    }

    /// Doubling through DUP: 64 levels of (t, t) describe 2^64 leaves; the description stays short and quick.
    @Test func sharedValuesDescribeInBoundedTime() throws {
        let bytes = Self.proto + [0x29] + [0x32, 0x86].repeated(64) + Self.stop
        let value = try bytes.withUnsafeBytes { raw -> PickleValue in var r = PickleReader(bytes: raw, file: "dag.pkl"); return try r.load() }
        let started = Date()
        let text = value.description
        #expect(text.count < 400 && Date().timeIntervalSince(started) < 1, "\(text.count) characters")
    }

    /// A state dict of dicts {a: D, b: D} nested 60 times expands to 2^60 entries: refused before the walk.
    @Test func exponentialStateDictsAreRefusedBeforeTheWalk() throws {
        var bytes = Self.proto + [0x7D]
        for k in 0..<60 {
            // memo k ← D; POP; EMPTY_DICT; MARK; 'a'; BINGET k; 'b'; BINGET k; SETITEMS
            bytes += [0x71, UInt8(k), 0x30, 0x7D, 0x28, 0x8C, 0x01, 0x61, 0x68, UInt8(k), 0x8C, 0x01, 0x62, 0x68, UInt8(k), 0x75]
        }
        bytes += Self.stop
        let legacy = try Self.legacyCheckpoint(object: bytes)
        let path = try write(legacy, "expanding.pth")
        let started = Date()
        let text = message { _ = try PyTorchCheckpoint(path: path) }
        #expect(text.contains("expanding.pth") && text.contains("the state dict expands to") && text.contains("more than the 1000000 read"), "\(text)")
        #expect(Date().timeIntervalSince(started) < 2)
    }

    @Test func deepPickleInAPyTorchFileNamesTheFileAndDepth() throws {
        let path = try write(Self.markTuples, "deep.pth")
        let text = message { _ = try PyTorchCheckpoint(path: path) }
        #expect(text.contains("deep.pth") && text.contains("nested \(Self.limit + 1) deep"), "\(text)")
        let object = try write(try Self.legacyCheckpoint(object: Self.markTuples), "deep-object.pth")
        let objectText = message { _ = try PyTorchCheckpoint(path: object) }
        #expect(objectText.contains("deep-object.pth: pickle at byte") && objectText.contains("nested \(Self.limit + 1) deep"), "\(objectText)")
    }

    /// The legacy layout around an object pickle: magic number, protocol 1001, sys info, the object, no keys.
    static func legacyCheckpoint(object: [UInt8]) throws -> [UInt8] {
        let magic: [UInt8] = proto + [0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19] + stop
        let version: [UInt8] = proto + [0x4D, 0xE9, 0x03] + stop
        let info: [UInt8] = proto + [0x7D] + stop
        let keys: [UInt8] = proto + [0x5D] + stop
        return magic + version + info + object + keys
    }

    /// JSON nests at most 1000 levels (json-c's depth, set in JSONReader): deeper is a syntax error with a position.
    @Test func deepJSONIsRefusedWithAPosition() throws {
        let ok = String(repeating: "[", count: 999) + String(repeating: "]", count: 999)
        #expect(message { _ = try JSONReader.parse(Data(ok.utf8), file: "ok.json") } == "no error")
        let deep = String(repeating: "[", count: 40_000) + String(repeating: "]", count: 40_000)
        let text = message { _ = try JSONReader.parse(Data(deep.utf8), file: "deep.json") }
        #expect(text.contains("deep.json:1:1001") && text.contains("nesting too deep"), "\(text)")
    }

    /// Zip offsets near Int.max and deflate claims past 1032:1 are refused, not trapped on or allocated.
    @Test func zipOverflowsAndBombsAreRefused() throws {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
        func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        let name = Array("a.npy".utf8)
        // One deflated entry: 10 compressed bytes claiming 1 GB.
        let payload = [UInt8](repeating: 0, count: 10)
        var zip = le32(0x0403_4b50) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0) + le32(0) + le32(10) + le32(1 << 30)
            + le16(name.count) + le16(0) + name + payload
        let cd = zip.count
        zip += le32(0x0201_4b50) + le16(20) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0) + le32(0) + le32(10) + le32(1 << 30)
            + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(0) + name
        zip += le32(0x0605_4b50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(zip.count - cd) + le32(cd) + le16(0)
        let bomb = try write(zip, "bomb.npz")
        let started = Date()
        let text = message { _ = try NPZArchive.read(file: bomb) }
        #expect(text.contains("bomb.npz") && text.contains("claims 1073741824 bytes from 10 compressed bytes"), "\(text)")
        #expect(Date().timeIntervalSince(started) < 1)

        // A ZIP64 extra field giving a local header offset of 2^63 - 8.
        let extra = le16(1) + le16(8) + le64(UInt64(Int.max - 8))
        var z64 = le32(0x0403_4b50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(0) + le32(0)
            + le16(name.count) + le16(0) + name
        let cd64 = z64.count
        z64 += le32(0x0201_4b50) + le16(45) + le16(45) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(0) + le32(0)
            + le16(name.count) + le16(extra.count) + le16(0) + le16(0) + le16(0) + le32(0) + le32(0xFFFF_FFFF) + name + extra
        z64 += le32(0x0605_4b50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(z64.count - cd64) + le32(cd64) + le16(0)
        let far = try write(z64, "far.zip")
        let farText = message { _ = try ZipArchive(path: far) }
        #expect(farText.contains("far.zip") && farText.contains("local header at byte 9223372036854775799"), "\(farText)")
    }
}

private extension Array where Element == UInt8 {
    func repeated(_ n: Int) -> [UInt8] { [UInt8]((0..<n).map { _ in self }.joined()) }
}
