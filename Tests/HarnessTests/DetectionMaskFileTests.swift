import Foundation
import Formats
import Harness
import Scorers
import Suites
import Testing
import TestSupport

/// --detections lines with masks (COCO RLE, pycocotools' strings): decoded onto the detections, checked against
/// the image's size, and every malformed mask an error naming file:line.
@Suite struct DetectionMaskFileTests {
    static func file(_ text: String) throws -> String {
        let path = FixturePaths.temporaryDirectory("masks").appendingPathComponent("detections.jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func masksAreDecodedAndCheckedAgainstTheImage() throws {
        // 2×2, only (x 1, y 0) set: "211" (see COCOMaskRLETests); the second detection has none.
        let path = try Self.file(#"{"image": "00000/samples/00000.png", "detections": {"car": [[0, 0, 2, 1, 0.9], [0, 0, 1, 1, 0.5, "red"]]}, "masks": {"car": [{"size": [2, 2], "counts": "211"}, null]}}"# + "\n")
        let file = try DetectionFileOutputs(file: path)
        #expect(file.configuration["masks"] == .string("read (COCO RLE)"))
        let d = try file.detections(id: "00000/0", imagePath: "00000/samples/00000.png", image: RGBImage(width: 2, height: 2, fill: (0, 0, 0)))
        #expect(d["car"]?[0].mask == [false, true, false, false])
        #expect(d["car"]?[1].mask == nil && d["car"]?[1].colorHint == "red")
        do {
            _ = try file.detections(id: "00000/0", imagePath: "00000/samples/00000.png", image: RGBImage(width: 3, height: 2, fill: (0, 0, 0)))
            Issue.record("a 2×2 mask on a 3×2 image was accepted")
        } catch {
            #expect("\(error)".contains("\(path):1") && "\(error)".contains("car mask 0 is 2×2") && "\(error)".contains("is 2×3"), "\(error)")
        }
    }

    @Test(arguments: [
        (#""masks": {"car": []}"#, "0 car mask(s) for 1 detection(s)"),
        (#""masks": {"bus": [null]}"#, "masks for bus, which has no detections"),
        (#""masks": {"car": [{"size": [2, 2], "counts": "21"}]}"#, "the runs cover 3 pixels"),
        (#""masks": {"car": [{"size": [2], "counts": "211"}]}"#, "size must be [height, width]"),
        (#""masks": {"car": [{"size": [2, 2], "counts": "2 1"}]}"#, "not an RLE digit"),
    ])
    func malformedMasksNameTheLine(masks: String, message: String) throws {
        let path = try Self.file("\n" + #"{"image": "00000/samples/00000.png", "detections": {"car": [[0, 0, 2, 1, 0.9]]}, "# + masks + "}\n")
        do {
            _ = try DetectionFileOutputs(file: path)
            Issue.record("accepted: \(masks)")
        } catch {
            #expect("\(error)".contains("\(path):2") && "\(error)".contains(message), "\(error)")
        }
    }
}
