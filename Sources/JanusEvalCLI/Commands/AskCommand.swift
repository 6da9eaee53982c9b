import ArgumentParser
import Formats
import Foundation
import Models
import Tensors

/// Which model to run: a known name (weights found by `WeightLocator`) or a folder.
struct ModelOptions: ParsableArguments {
    @Option(help: "janus-1.3b, janusflow-1.3b, pro-1b or pro-7b (weights from $JANUS_EVAL_<NAME>_WEIGHTS or the Hugging Face cache).")
    var model: String?

    @Option(help: "A model folder (config.json, tokenizer.json and the weights).")
    var weights: String?

    @Option(help: "Chat roles: pro (<|User|>/<|Assistant|>) or plain (User/Assistant). Default: by model, or by the tokenizer for --weights.")
    var template: String?

    @Option(help: "Compute threads (default: $JANUS_EVAL_THREADS, else every core). Results do not depend on it.")
    var threads: Int?

    @Option(help: "f32: products with the bf16 weights use the f32 activations exactly (parity with the reference computed in f32). bf16: the language model's activations are rounded to bf16 first, as the official bf16 run; faster with AVX512_BF16. Vision encoders and the VQ decoder compute in f32 either way.")
    var precision: String = "f32"

    var activationPrecision: ActivationPrecision { ActivationPrecision(rawValue: precision) ?? .f32 }

    func validate() throws {
        guard (model == nil) != (weights == nil) else { throw ValidationError("give exactly one of --model NAME or --weights DIR") }
        if let template, template != "pro" && template != "plain" { throw ValidationError("--template is pro or plain, not \(template)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
        guard ActivationPrecision(rawValue: precision) != nil else { throw ValidationError("--precision is f32 or bf16, not \(precision)") }
    }

    func resolve() throws -> (URL, ChatTemplate?) {
        if let threads { Parallel.setThreadCount(threads) }
        let chosen: ChatTemplate? = template.map { $0 == "pro" ? .pro : .plain }
        if let weights { return (URL(fileURLWithPath: weights), chosen) }
        let preset = try ModelRegistry.preset(named: model!)
        return (try WeightLocator().locate(preset), chosen ?? preset.template)
    }
}

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask a Janus model a question about an image.",
        discussion: """
            Greedy decoding as the reference inference.py (system prompt, the model's chat roles, the image expanded to
            its 576 tokens). Images: PNG.

            Examples:
              janus-eval ask --model pro-1b --image cat.png "What is this?"
              janus-eval ask --weights path/to/Janus-Pro-1B --image cat.png --json "Describe it."
              janus-eval ask --model pro-7b --precision bf16 --image cat.png "What is this?"
            """)

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "The image (PNG).")
    var image: String

    @Argument(help: "The question.")
    var question: String

    @Option(help: "Stop after this many new tokens.")
    var maxNewTokens = 512

    @Flag(help: "Print {text, token_ids, prompt_tokens, precision, timings} as JSON.")
    var json = false

    func run() throws {
        do {
            let (folder, template) = try modelOptions.resolve()
            let picture = try PNGCodec.read(file: image)
            let assistant = try JanusAssistant(folder: folder, template: template)
            assistant.model.language.activationPrecision = modelOptions.activationPrecision
            var answer = try assistant.ask(image: picture, question: question, maxNewTokens: maxNewTokens)
            answer.timings["load_s"] = assistant.loadSeconds
            if json {
                let timings = JSONObject(answer.timings.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.double($0.value)) })
                print(JSONWriter(style: .pythonDumps).string(.object(JSONObject([
                    ("text", .string(answer.text)), ("token_ids", .array(answer.tokenIDs.map { .int(Int64($0)) })),
                    ("prompt_tokens", .int(Int64(answer.promptTokens))), ("precision", .string(modelOptions.activationPrecision.rawValue)),
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
