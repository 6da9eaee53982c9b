import ArgumentParser
import Formats
import Foundation
import Models
import Tensors

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask a Janus model a question about an image.",
        discussion: """
            Greedy decoding as the reference inference.py (system prompt, the model's chat roles, the image expanded to
            its 576 tokens). Images: PNG or JPEG (found by signature; EXIF orientation not applied, as Pillow).

            Examples:
              janus-eval ask --model pro-1b --image cat.png "What is this?"
              janus-eval ask --weights path/to/Janus-Pro-1B --image cat.png --json "Describe it."
              janus-eval ask --model pro-7b --precision bf16 --image cat.png "What is this?"
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "The image (PNG or JPEG).")
    var image: String

    @Argument(help: "The question.")
    var question: String

    @Option(help: "Stop after this many new tokens.")
    var maxNewTokens = 512

    @Flag(help: "Print {text, token_ids, prompt_tokens, precision, timings} as JSON.")
    var json = false

    func validate() throws {
        guard maxNewTokens >= 1 && maxNewTokens <= 1_000_000 else {
            throw ValidationError("--max-new-tokens must be between 1 and 1000000 (and fit the model's positions with the prompt), not \(maxNewTokens)")
        }
    }

    func run() throws {
        do {
            let (folder, options) = try modelOptions.resolve()
            let picture = try ImageDecoder.read(file: image)
            let assistant = try ModelFactory.visualQA(folder: folder, options: options)
            var answer = try assistant.answer(image: picture, question: question, maxNewTokens: maxNewTokens)
            answer.timings["load_s"] = assistant.loadSeconds
            if json {
                let timings = JSONObject(answer.timings.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.double($0.value)) })
                print(JSONWriter(style: .pythonDumps).string(.object(JSONObject([
                    ("text", .string(answer.text)), ("token_ids", .array(answer.tokenIDs.map { .int(Int64($0)) })),
                    ("prompt_tokens", .int(Int64(answer.promptTokens))), ("precision", .string(assistant.precision.rawValue)),
                    ("timings", .object(timings))]))))
            } else {
                print(answer.text)
            }
        } catch {
            FileStandardError.write("janus-eval ask: \(error)\n")
            throw ExitCode(1)
        }
    }
}
