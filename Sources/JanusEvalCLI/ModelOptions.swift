import ArgumentParser
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

    @Option(help: "f32: products with the bf16 weights use the f32 activations exactly (parity with the reference computed in f32). bf16: the language model's activations are rounded to bf16 first, as the official bf16 run; faster with AVX512_BF16. The KV cache is then stored in bf16 too, and generation's VQ decoder rounds its convolution inputs to bf16; SigLIP and the aligners compute in f32 either way.")
    var precision: String = "f32"


    func validate() throws {
        guard (model == nil) != (weights == nil) else { throw ValidationError("give exactly one of --model NAME or --weights DIR") }
        if let template, template != "pro" && template != "plain" { throw ValidationError("--template is pro or plain, not \(template)") }
        _ = try ThreadSetting.validated(option: threads)
        guard ActivationPrecision(rawValue: precision) != nil else { throw ValidationError("--precision is f32 or bf16, not \(precision)") }
    }

    /// The model folder and the build options; sets the thread count.
    func resolve() throws -> (URL, ModelBuildOptions) {
        try ThreadSetting.validated(option: threads).applyWarning()
        let source: ModelSource = weights.map(ModelSource.folder) ?? .preset(model!)
        let (folder, presetTemplate) = try source.resolve()
        let chosen: ChatTemplate? = template.map { $0 == "pro" ? .pro : .plain }
        return (folder, ModelBuildOptions(precision: ActivationPrecision(rawValue: precision) ?? .f32, template: chosen ?? presetTemplate))
    }
}

extension ThreadSetting {
    /// `--threads` / `$JANUS_EVAL_THREADS`, refused like any other bad option (exit 64).
    static func validated(option: Int?) throws -> ThreadSetting {
        do { return try resolve(option: option) } catch let failure as Failure {
            throw ValidationError(failure.description)
        }
    }

    /// Applies the count, saying so when it was capped at the cores.
    func applyWarning() {
        if let warning { FileStandardError.write("janus-eval: warning: \(warning)\n") }
        apply()
    }
}
