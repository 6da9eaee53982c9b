import Foundation

/// Which files of a folder an FID tool reads, in its order. The item id of an image is its path relative to the folder.
public enum ImageFolderListing {
    /// pytorch-fid's `sorted(path.glob('*.<ext>'))` over its IMAGE_EXTENSIONS: the top level only, lowercase
    /// extensions only, sorted by name (code-point order).
    public static let pytorchFIDExtensions: Set<String> = ["bmp", "jpg", "jpeg", "pgm", "png", "ppm", "tif", "tiff", "webp"]
    /// clean-fid's EXTENSIONS (less npy): `glob('**/*.<ext>', recursive=True)`, so sub-folders too (not hidden
    /// ones), upper-case JPEG/JPG/PNG included, sorted by path.
    public static let cleanFIDExtensions: Set<String> = ["bmp", "jpg", "jpeg", "pgm", "png", "ppm", "tif", "tiff", "webp", "JPEG", "JPG", "PNG"]

    /// Relative paths of the images `mode`'s reference tool reads in `folder`.
    public static func images(in folder: String, mode: FIDPreprocessing) throws -> [String] {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InceptionError.noImages(folder: folder, rule: "no such folder")
        }
        var found: [String] = []
        func isFile(_ path: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &d) && !d.boolValue
        }
        func ext(_ name: String) -> String? { name.contains(".") ? String(name.split(separator: ".", omittingEmptySubsequences: false).last!) : nil }
        switch mode {
        case .pytorchFID:
            for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where ext(name).map(pytorchFIDExtensions.contains) == true {
                if isFile(folder + "/" + name) { found.append(name) }
            }
        case .clean:
            func walk(_ relative: String) {
                let dir = relative.isEmpty ? folder : folder + "/" + relative
                for name in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []) where !name.hasPrefix(".") {
                    let rel = relative.isEmpty ? name : relative + "/" + name
                    var d: ObjCBool = false
                    guard fm.fileExists(atPath: folder + "/" + rel, isDirectory: &d) else { continue }
                    if d.boolValue { walk(rel) } else if ext(name).map(cleanFIDExtensions.contains) == true { found.append(rel) }
                }
            }
            walk("")
        }
        found.sort { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes(Array($1.unicodeScalars.map(\.value))) }
        guard !found.isEmpty else {
            throw InceptionError.noImages(folder: folder, rule: mode == .pytorchFID
                ? "pytorch-fid reads the top level only, files ending .png, .jpg, .jpeg (lower case) and other image types"
                : "clean-fid reads every sub-folder, files ending .png/.PNG, .jpg/.JPG, .jpeg/.JPEG and other image types")
        }
        return found
    }

    /// GenEval's nested layout: `<NNNNN>/samples/<k>.png` under all-digit folders, names matching `^\d+\.png` (as
    /// GenEval's evaluator reads them), sorted. nil when the folder holds no such sub-folder.
    public static func genEvalLayout(in folder: String) -> [String]? {
        let fm = FileManager.default
        let prompts = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }.sorted()
        var found: [String] = []
        var any = false
        for p in prompts {
            guard let names = try? fm.contentsOfDirectory(atPath: folder + "/" + p + "/samples") else { continue }
            any = true
            for name in names.sorted() {
                let digits = name.prefix { ("0"..."9").contains($0) }
                if !digits.isEmpty && name.dropFirst(digits.count).hasPrefix(".png") { found.append(p + "/samples/" + name) }
            }
        }
        return any ? found : nil
    }
}
