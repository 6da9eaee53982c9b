import Foundation
import Formats
import Harness
import Models
import Suites
import Tensors

/// Every fuzz target, one per reader. Readers that only take a path get the input written to a scratch file
/// (`FuzzScratch`); the checkpoint readers and NPZ read it from memory (`MappedFile(bytes:path:)`).
public enum FuzzTargets {
    public static let all: [FuzzTarget] = [
        FuzzTarget("safetensors", "SafetensorsFile: header length, header JSON, offsets; every tensor's bytes read",
                   seeds: ["Tests/Fixtures/checkpoints", "Tests/Fixtures/checkpoints/tiny-sharded-safetensors"],
                   extensions: [".safetensors"]) { data in
            let file = try SafetensorsFile(file: MappedFile(bytes: [UInt8](data), path: "fuzz.safetensors"))
            _ = file.metadata.count
            for name in file.tensorNames { touch(try file.tensor(named: name)) }
        },
        FuzzTarget("pickle", "PickleReader alone (restricted unpickler, persistent ids resolved to storages), its value described",
                   seeds: ["Tests/Fixtures/fuzz/seeds/pickle", "Tests/Fixtures/checkpoints/malformed"], extensions: [".pkl", ".bin"]) { data in
            try [UInt8](data).withUnsafeBytes { raw in
                var reader = PickleReader(bytes: raw, file: "fuzz.pkl", persistentLoad: { pid in
                    pid
                })
                while reader.offset < raw.count { _ = try reader.load().description }
            }
        },
        FuzzTarget("zip", "ZipArchive (ZIP64 included): central directory, local headers, stored and deflated entries",
                   seeds: ["Tests/Fixtures/numpy", "Tests/Fixtures/checkpoints", "Tests/Fixtures/fuzz/seeds/zip"],
                   extensions: [".npz", ".bin", ".zip"]) { data in
            let zip = try ZipArchive(file: MappedFile(bytes: [UInt8](data), path: "fuzz.zip"))
            for entry in zip.entries {
                _ = zip.entry(named: entry.name)
                if let bytes = try? zip.data(entry) { _ = bytes.reduce(0, &+) }
                if let bytes = try? zip.storedBytes(entry) { _ = bytes.reduce(0, &+) }
            }
        },
        FuzzTarget("pytorch-zip", "PyTorchCheckpoint, zip layout (torch ≥ 1.6): data.pkl, storages, strided views",
                   seeds: ["Tests/Fixtures/checkpoints", "Tests/Fixtures/checkpoints/sharded-bin", "Tests/Fixtures/checkpoints/malformed"],
                   extensions: [".bin"]) { data in
            try readPyTorch(data, path: "fuzz.bin")
        },
        FuzzTarget("pytorch-legacy", "PyTorchCheckpoint, legacy layout (magic, protocol, sys-info, object, keys, raw storages)",
                   seeds: ["Tests/Fixtures/checkpoints"], extensions: [".pth"]) { data in
            try readPyTorch(data, path: "fuzz.pth")
        },
        FuzzTarget("png", "PNGCodec.decode (libpng through its C shim), every colour type to RGB8",
                   seeds: ["Tests/Fixtures/codecs/png"], extensions: [".png"]) { data in
            touch(try PNGCodec.decode(data, file: "fuzz.png"))
        },
        FuzzTarget("jpeg", "JPEGCodec.decode (libjpeg-turbo through its C shim) and the EXIF orientation reader and transpose",
                   seeds: ["Tests/Fixtures/jpeg"], extensions: [".jpg"]) { data in
            let orientation = JPEGCodec.exifOrientation(data)
            let image = try JPEGCodec.decode(data, file: "fuzz.jpg")
            touch(image.exifTransposed(orientation: orientation ?? 1))
        },
        FuzzTarget("image", "ImageDecoder: PNG or JPEG by signature, EXIF transpose on",
                   seeds: ["Tests/Fixtures/codecs/png", "Tests/Fixtures/jpeg"], extensions: [".png", ".jpg"]) { data in
            touch(try ImageDecoder.decode(data, file: "fuzz.img", exifTranspose: true))
        },
        FuzzTarget("npy", "NPYFile.decode: magic, versions 1–3, the Python-literal header; values read as Double",
                   seeds: ["Tests/Fixtures/numpy"], extensions: [".npy"]) { data in
            let array = try NPYFile.decode([UInt8](data), file: "fuzz.npy")
            _ = array.doubles().reduce(0, +)
        },
        FuzzTarget("npz", "NPZArchive.read: zip of .npy entries, stored or deflated",
                   seeds: ["Tests/Fixtures/numpy"], extensions: [".npz"]) { data in
            let arrays = try NPZArchive.read(MappedFile(bytes: [UInt8](data), path: "fuzz.npz"))
            for (_, a) in arrays { _ = a.doubles().reduce(0, +) }
        },
        FuzzTarget("json", "JSONReader (json-c, strict) → JSONValue; typed cursor access and the Codable bridge",
                   seeds: ["Tests/Fixtures/fuzz/seeds/json", "Tests/Fixtures/janus/pro-tiny/config.json",
                           "Tests/Fixtures/janus/pro-tiny/preprocessor_config.json", "Tests/Fixtures/janus/pro-tiny/special_tokens_map.json",
                           "Tests/Fixtures/checkpoints/tiny-sharded-safetensors/model.safetensors.index.json"],
                   extensions: [".json"]) { data in
            let doc = try JSONReader.parse(data, file: "fuzz.json")
            walk(doc.cursor)
            _ = try? doc.root.decode(JSONValue.self)
        },
        FuzzTarget("jsonl", "JSONLinesReader: one document per line, blank lines skipped",
                   seeds: ["suites/demo/pope", "suites/demo/geneval", "Tests/Fixtures/geneval"], extensions: [".json", ".jsonl"]) { data in
            try JSONLinesReader.forEachLine(data, file: "fuzz.jsonl") { _, doc in walk(doc.cursor) }
        },
        FuzzTarget("tsv", "TSVTable.parse: pandas-style quoting, lower-cased header",
                   seeds: ["Tests/Fixtures/mmbench", "suites/demo/mmbench"], extensions: [".tsv"]) { data in
            let table = try TSVTable.parse(String(decoding: data, as: UTF8.self), file: "fuzz.tsv")
            for name in table.columns { _ = table.column(name) }
            for row in table.rows { _ = row.map(TSVTable.isPandasMissing) }
        },
        FuzzTarget("tokenizer", "BPETokenizer from tokenizer.json (cut-down seeds), then encode and decode",
                   seeds: ["Tests/Fixtures/janus/pro-tiny", "Tests/Fixtures/janus/janus-tiny"], extensions: ["tokenizer.json"],
                   maxLength: 18_000) { data in
            let tokenizer = try BPETokenizer(document: JSONReader.parse(data, file: "fuzz/tokenizer.json"))
            let ids = tokenizer.encode("<|User|>: Is there a dog in the image? 12 cats, naïve 😀\n", addBOS: true)
            _ = tokenizer.decode(ids + [-1, 0, 99_999_999, Int.max, Int.min], skipSpecialTokens: false)
            _ = tokenizer.decode(ids)
            _ = tokenizer.id(of: "<|User|>")
        },
        FuzzTarget("config", "JanusCheckpointConfig.decode (config.json of the Janus families) and the derived sizes",
                   seeds: ["Tests/Fixtures/janus/pro-tiny", "Tests/Fixtures/janus/janus-tiny", "Tests/Fixtures/janus/janusflow-tiny"],
                   extensions: ["config.json"]) { data in
            let config = try JanusCheckpointConfig.decode(data, file: "fuzz/config.json")
            _ = config.family
        },
        FuzzTarget("pope-questions", "POPE question files: the official JSON lines (coco_pope_<split>.json) and VLMEvalKit's POPE.tsv",
                   seeds: ["suites/demo/pope", "Tests/Fixtures/fuzz/seeds/pope-questions"], extensions: [".json", ".tsv"]) { data in
            let official = try? POPEQuestionFile.readOfficial(file: FuzzScratch.write(data, as: "coco_pope_random.json"))
            if let official, !official.isEmpty { _ = try? POPESuite(questions: official, imageFolder: "/nonexistent") }
            let tsv = try POPEQuestionFile.readVLMEvalKit(file: FuzzScratch.write(data, as: "POPE.tsv"))
            _ = POPEQuestionFile.version(of: tsv)
        },
        FuzzTarget("mmbench-tsv", "MMBench's VLMEvalKit TSV: columns, options, circular copies, images",
                   seeds: ["Tests/Fixtures/mmbench", "suites/demo/mmbench"], extensions: [".tsv"]) { data in
            let questions = try MMBenchQuestion.read(file: FuzzScratch.write(data, as: "MMBench.tsv"))
            for q in questions { _ = q.prompt }
            _ = try MMBenchSuite(questions: questions).items.count
        },
        FuzzTarget("geneval-metadata", "GenEval prompt records (evaluation_metadata.jsonl lines) and the image-folder layout",
                   seeds: ["suites/demo/geneval", "Tests/Fixtures/geneval"], extensions: [".jsonl"]) { data in
            try? JSONLinesReader.forEachLine(data, file: "fuzz.jsonl") { _, doc in _ = try? GenEvalPrompt(doc.cursor) }
            let root = FuzzScratch.folder("geneval")
            FuzzScratch.put(data, at: root + "/00000/metadata.jsonl")
            FuzzScratch.put(Data(), at: root + "/00000/samples/00000.png")
            _ = try GenEvalImageFolder(root: root).entries()
        },
        FuzzTarget("geneval-results", "GenEval's results.jsonl (official evaluator or janus-eval)",
                   seeds: ["Tests/Fixtures/fuzz/seeds/geneval-results"], extensions: [".jsonl"]) { data in
            let results = try GenEvalResult.read(file: FuzzScratch.write(data, as: "results.jsonl"))
            _ = GenEvalResult.scores(results)
        },
        FuzzTarget("answers", "--answers files: JSON lines (LLaVA, VLMEvalKit, POPE's own) and TSV, matched to the demo POPE and MMBench items",
                   seeds: ["Tests/Fixtures/fuzz/seeds/answers"], extensions: [".jsonl", ".json", ".tsv"]) { data in
            _ = try? AnswerFileOutputs(files: [FuzzScratch.write(data, as: "answers_random.jsonl")], suite: FuzzSuites.pope)
            _ = try? AnswerFileOutputs(files: [FuzzScratch.write(data, as: "answers.tsv")], suite: FuzzSuites.pope)
            _ = try AnswerFileOutputs(files: [FuzzScratch.write(data, as: "mmbench_answers.jsonl")], suite: FuzzSuites.mmbench)
        },
        FuzzTarget("detections", "--detections files: raw detections and GenEval's results.jsonl with details",
                   seeds: ["suites/demo/geneval", "Tests/Fixtures/fuzz/seeds/detections"], extensions: ["detections.jsonl", ".jsonl"]) { data in
            _ = try DetectionFileOutputs(file: FuzzScratch.write(data, as: "detections.jsonl"))
        },
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    static func readPyTorch(_ data: Data, path: String) throws {
        let checkpoint = try PyTorchCheckpoint(file: MappedFile(bytes: [UInt8](data), path: path))
        _ = checkpoint.notes.count
        for name in checkpoint.tensorNames {
            guard let info = checkpoint.info(named: name), info.shape.reduce(1, { $0 &* $1 }) <= 1 << 20 else { continue }
            if let t = try? checkpoint.tensor(named: name) { touch(t) }
        }
    }

    /// Reads every byte of a tensor's storage, so an out-of-range view shows up under AddressSanitizer.
    static func touch(_ tensor: Tensor) {
        _ = UnsafeRawBufferPointer(start: tensor.rawPointer, count: tensor.byteCount).reduce(0, &+)
    }
    static func touch(_ image: RGBImage) { _ = image.pixels.reduce(0, &+) }

    /// Visits a JSON value through the typed accessors (each throws or answers; none may crash).
    static func walk(_ c: JSONCursor, depth: Int = 0) {
        _ = try? c.asInt(); _ = try? c.asDouble(); _ = try? c.asString(); _ = c.value.kindDescription
        if let entries = try? c.entries() { for (_, v) in entries.prefix(64) { walk(v, depth: depth + 1) } }
        if let items = try? c.asArray() { for v in items.prefix(64) { walk(v, depth: depth + 1) } }
    }
}
