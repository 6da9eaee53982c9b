#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Suites

/// A per-process scratch folder for readers that only take a path: each input is written to a fixed name in it
/// (the name matters to some readers: a POPE split, a `.tsv` suffix), overwriting the previous input.
enum FuzzScratch {
    static let root: String = {
        let base = ProcessInfo.processInfo.environment["JANUS_FUZZ_SCRATCH"] ?? NSTemporaryDirectory()
        let path = base + "/janus-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func write(_ data: Data, as name: String) -> String {
        let path = root + "/" + name
        put(data, at: path)
        return path
    }

    static func put(_ data: Data, at path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // Plain open/write/close: FileManager.createFile writes atomically (a temporary file and a rename), which
        // costs more than most readers here.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { return }
                done += n
            }
        }
    }

    static func folder(_ name: String) -> String { root + "/" + name }
}

/// Small fixed suites the answer-file readers match against (demo-shaped: three POPE splits, one MMBench
/// question with a circular copy).
enum FuzzSuites {
    static let pope: POPESuite = {
        var questions: [POPEQuestion] = []
        for split in ["random", "popular", "adversarial"] {
            for id in 1...3 {
                questions.append(POPEQuestion(id: String(id), image: "COCO_val2014_00000000000\(id).png",
                                              text: "Is there a \(["dog", "cat", "bench"][id - 1]) in the image?",
                                              answerIsYes: id != 2, split: split))
            }
        }
        return try! POPESuite(questions: questions, imageFolder: "/nonexistent")
    }()

    static let mmbench: MMBenchSuite = {
        let tsv = """
        index\tquestion\thint\tA\tB\tC\tanswer\tcategory\tl2-category\timage
        0\tWhat animal is shown?\tA photo.\tcat\tdog\thorse\tB\tanimal\tperception\tdGlueQ==
        1000000\tWhat animal is shown?\tA photo.\tdog\thorse\tcat\tA\tanimal\tperception\t0

        """
        let path = FuzzScratch.write(Data(tsv.utf8), as: "fixed/MMBench_fixed.tsv")
        return try! MMBenchSuite(questions: MMBenchQuestion.read(file: path))
    }()
}
