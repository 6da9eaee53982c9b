import Foundation
import Formats
import Suites

/// The GenEval part of report.html: per image a thumbnail embedded in the page (downscaled to at most
/// `thumbnailSide` pixels, PNG, so a 553 × 4 run stays a page a browser opens), the boxes GenEval kept drawn over it
/// with their class and score and, when the detections have masks (the run's `detections.jsonl`, or the
/// `--detections` file), the kept objects' masks tinted over the thumbnail; the colour read for each object asked
/// (and by what), the CLIPScore, the judgment and its reason, and the judge's full account folded away.
struct GenEvalGallery {
    /// The run folder (generated images live under `images/`) and where `--images` pointed.
    var folder: String
    var imageRoot: String?
    var thumbnailSide = 128
    /// Raw detection lines with masks, by item id (empty when there are none to show).
    var masks: [String: DetectionFileOutputs.Line] = [:]

    init(folder: String, imageRoot: String?, detectionFiles: [String]) {
        self.folder = folder; self.imageRoot = imageRoot
        for file in detectionFiles where FileManager.default.fileExists(atPath: file) {
            if let read = try? DetectionFileOutputs(file: file) {
                masks = read.lines.filter { !$0.value.masks.isEmpty }
                break
            }
        }
    }

    static let tints: [(UInt8, UInt8, UInt8)] = [(255, 211, 61), (9, 105, 218), (207, 34, 46), (26, 127, 55), (130, 80, 223)]

    /// The image with the masks of the kept detections (matched to the raw ones by box and score) tinted, 45 %.
    func tinted(_ image: RGBImage, id: String, details: [(key: String, value: JSONCursor)]) -> RGBImage {
        guard let line = masks[id] else { return image }
        var out = image
        for (c, (className, boxes)) in details.enumerated() {
            guard let raw = line.detections[className], let rles = line.masks[className] else { continue }
            for box in (try? boxes.asArray()) ?? [] {
                let v = ((try? box.asArray()) ?? []).compactMap { try? $0.asDouble() }
                guard v.count == 5, let k = raw.indices.first(where: { raw[$0].box == Array(v[0..<4]) && raw[$0].score == v[4] }),
                      k < rles.count, let rle = rles[k], rle.height == image.height, rle.width == image.width,
                      let mask = try? rle.mask() else { continue }
                let tint = Self.tints[c % Self.tints.count]
                for i in 0..<mask.count where mask[i] {
                    out.pixels[i * 3] = UInt8((Int(out.pixels[i * 3]) * 55 + Int(tint.0) * 45) / 100)
                    out.pixels[i * 3 + 1] = UInt8((Int(out.pixels[i * 3 + 1]) * 55 + Int(tint.1) * 45) / 100)
                    out.pixels[i * 3 + 2] = UInt8((Int(out.pixels[i * 3 + 2]) * 55 + Int(tint.2) * 45) / 100)
                }
            }
        }
        return out
    }

    /// A note for the page when some colours were read from boxes (no mask), as the contract asks.
    static func notes(_ records: [ItemRecord]) -> String {
        let boxColours = records.filter { $0.bool("colors_without_masks") }.count
        guard boxColours > 0 else { return "" }
        return "<div class=\"warn\">Colours read without masks for \(boxColours) image(s): the detections carried no mask, so CLIP looked at the box of the original image (what GenEval's code does when the mask is None).</div>\n"
    }

    /// Box-averaged copy whose longer side is at most `side` (the image itself when it is small enough).
    static func thumbnail(_ image: RGBImage, side: Int) -> RGBImage {
        let factor = (max(image.width, image.height) + side - 1) / side
        guard factor > 1 else { return image }
        let w = max(1, image.width / factor), h = max(1, image.height / factor)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 {
            var sum = 0
            for dy in 0..<factor { for dx in 0..<factor { sum += Int(image.pixels[((y * factor + dy) * image.width + x * factor + dx) * 3 + c]) } }
            pixels[(y * w + x) * 3 + c] = UInt8((sum + factor * factor / 2) / (factor * factor))
        } } }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    func tile(_ r: ItemRecord) -> String {
        let escape = HTMLReport.escape, string = HTMLReport.string
        let wrong = r.correct != true
        var out = "<div class=\"tile\(wrong ? " wrong" : "")\"><div><b>\(escape(r.id))</b> · \(escape(string(r.fields["tag"])))</div>"
        let filename = string(r.fields["filename"])
        var note = ""
        let roots = [folder + "/images", imageRoot].compactMap { $0 }
        let details = (try? JSONReader.parse(Data(string(r.fields["details"]).utf8), file: "details").cursor.entries()) ?? []
        if let path = HTMLReport.resolve(filename, under: roots, note: &note), let data = FileManager.default.contents(atPath: path),
           let image = try? ImageDecoder.decode(data, file: path),
           let png = try? PNGCodec.encode(Self.thumbnail(tinted(image, id: r.id, details: details), side: thumbnailSide)) {
            let (width, height) = (image.width, image.height)
            out += "<svg viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\"><image href=\"data:image/png;base64,\(png.base64EncodedString())\" width=\"\(width)\" height=\"\(height)\"/>"
            do {
                let stroke = max(0.5, Double(width) / 100), font = max(3, Double(width) / 16)
                for (className, boxes) in details {
                    for box in (try? boxes.asArray()) ?? [] {
                        let v = ((try? box.asArray()) ?? []).compactMap { try? $0.asDouble() }
                        guard v.count >= 4 else { continue }
                        let label = "\(className) \(v.count > 4 ? String(format: "%.2f", v[4]) : "")"
                        out += "<rect x=\"\(v[0])\" y=\"\(v[1])\" width=\"\(max(v[2] - v[0], 0))\" height=\"\(max(v[3] - v[1], 0))\" fill=\"none\" stroke=\"#ffd33d\" stroke-width=\"\(stroke)\"><title>\(escape(label))</title></rect>"
                        out += "<text x=\"\(v[0] + stroke)\" y=\"\(v[1] + font)\" font-size=\"\(font)\" fill=\"#ffd33d\" stroke=\"#000\" stroke-width=\"\(stroke / 4)\">\(escape(label))</text>"
                    }
                }
            }
            out += "</svg>"
        } else {
            out += "<div class=\"sub\">image not shown\(note.isEmpty ? "" : ": " + escape(note))</div>"
        }
        out += "<div>\(escape(string(r.fields["prompt"] ?? r.fields["text"])))</div>"
        if case .object(let colours)? = r.fields["colors"] {
            for (className, list) in colours.entries {
                guard case .array(let objects) = list else { continue }
                let read = objects.compactMap { o -> String? in
                    guard case .object(let o) = o else { return nil }
                    return string(o["color"]) + " (" + string(o["by"]) + ")"
                }
                out += "<div class=\"sub\">colour of \(escape(className)): \(escape(read.joined(separator: ", ")))</div>"
            }
        }
        if case .double(let score)? = r.fields["clipscore"] {
            out += "<div class=\"sub\">CLIPScore \(String(format: "%.2f", score))</div>"
        }
        out += "<div class=\"\(wrong ? "bad" : "good")\">\(escape(r.reason))</div>"
        if case .array(let lines)? = r.fields["explanation"], !lines.isEmpty {
            out += "<details><summary>how it was judged</summary><pre>\(escape(lines.map { string($0) }.joined(separator: "\n")))</pre></details>"
        }
        return out + "</div>\n"
    }
}
