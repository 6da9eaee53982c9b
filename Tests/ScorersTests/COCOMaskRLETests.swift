import Foundation
import Formats
import Scorers
import Testing
import TestSupport

/// COCO RLE against pycocotools 2.0.11 (Tests/Fixtures/rle/cases.json, tools/reference/make_rle_fixtures.py):
/// the runs (column-major, 0-run first), the compressed string `mask.encode` writes, and the round trip.
@Suite struct COCOMaskRLETests {
    struct Case { var name: String; var height: Int; var width: Int; var mask: [Bool]; var counts: [Int]; var string: String; var area: Int }

    static func cases() throws -> [Case] {
        let doc = try JSONReader.parse(file: FixturePaths.path("rle/cases.json"))
        return try doc.cursor.asArray().map { c in
            Case(name: try c.string("name"), height: try c.int("height"), width: try c.int("width"),
                 mask: try c.string("mask").map { $0 == "1" }, counts: try c.field("counts").asArray().map { try $0.asInt() },
                 string: try c.string("string"), area: try c.int("area"))
        }
    }

    @Test func encodesAsPycocotools() throws {
        let cases = try Self.cases()
        #expect(cases.count == 15)
        for c in cases {
            let rle = COCOMaskRLE(mask: c.mask, height: c.height, width: c.width)
            #expect(rle.counts == c.counts, "\(c.name)")
            #expect(rle.countsString == c.string, "\(c.name)")
            #expect(rle.counts.enumerated().filter { $0.offset % 2 == 1 }.reduce(0) { $0 + $1.element } == c.area, "\(c.name)")
        }
    }

    @Test func decodesPycocotoolsStrings() throws {
        for c in try Self.cases() {
            let rle = try COCOMaskRLE(height: c.height, width: c.width, countsString: c.string)
            #expect(rle.counts == c.counts, "\(c.name)")
            #expect(try rle.mask() == c.mask, "\(c.name)")
        }
    }

    /// Hand-checked against the definition: a 2×2 mask with only (x 1, y 0) set is, column-major, 0 0 1 0 →
    /// runs [2, 1, 1] → "2" "1" "1" (each count + 48, the third written whole).
    @Test func aHandCheckedCase() throws {
        let rle = COCOMaskRLE(mask: [false, true, false, false], height: 2, width: 2)
        #expect(rle.counts == [2, 1, 1])
        #expect(rle.countsString == "211")
    }

    @Test func badStringsAreErrors() {
        #expect(throws: COCOMaskRLEError.self) { try COCOMaskRLE(height: 2, width: 2, countsString: "2 1") }
        #expect(throws: COCOMaskRLEError.self) { try COCOMaskRLE(height: 2, width: 2, countsString: "P") }   // ends inside a number
        #expect(throws: COCOMaskRLEError.self) { try COCOMaskRLE(height: 3, width: 2, countsString: "211").mask() }
    }
}
