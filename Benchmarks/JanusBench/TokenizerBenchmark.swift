import Foundation
import Formats
import Models

/// DeepSeek-LLM tokenizer: load time of the 3.7 MB tokenizer.json and encode speed on ~1 MB of mixed text
/// (the 1,100 fixture strings repeated), run from the repository root.
enum TokenizerBenchmark {
    static func run(_ report: inout BenchmarkReport) {
        let path = "Tests/Fixtures/tokenizer/tokenizer.json"
        guard FileManager.default.fileExists(atPath: path),
              let strings = try? JSONReader.parse(file: "Tests/Fixtures/tokenizer/strings.json").cursor.array("cases").map({ try $0.string("text") }) else {
            report.add([("benchmark", "tokenizer"), ("skipped", "run from the repository root")])
            return
        }
        var text = ""
        while text.utf8.count < 1_000_000 { text += strings.joined(separator: " ") }
        var tokenizer: BPETokenizer?
        let load = medianSeconds(repeats: 3, warmup: 0) { tokenizer = try! BPETokenizer(file: path) }
        var count = 0
        let encode = medianSeconds(repeats: 3, warmup: 0) {
            let fresh = try! BPETokenizer(file: path)   // cold word cache each time
            let start = DispatchTime.now().uptimeNanoseconds
            count = fresh.encode(text).count
            _ = start
        }
        _ = tokenizer
        report.add([("benchmark", "tokenizer"), ("load_s", format(load, 3)), ("bytes", String(text.utf8.count)),
                    ("ids", String(count)), ("load_plus_encode_s", format(encode, 3)), ("encode_s", format(encode - load, 3))])
    }
}
