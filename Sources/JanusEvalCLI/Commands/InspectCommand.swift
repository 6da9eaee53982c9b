import ArgumentParser
import Formats

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the tensors of a checkpoint file or model folder.",
        discussion: """
            Shows each tensor's name, dtype, shape and bytes, the totals, the config's model type, and for a
            sharded folder which shard holds what: the tool to reach for when a load fails. Reads only headers and
            pickles (memory-mapped; nothing in a pickle is executed).

            Examples:
              janus-eval inspect model.safetensors
              janus-eval inspect path/to/Janus-Pro-7B --summary
              janus-eval inspect pytorch_model.bin --json
            """)

    @Argument(help: "A .safetensors / .bin / .pth / .pt file, an .index.json, or a model folder.")
    var path: String

    @Flag(help: "Group tensors by prefix (the first two dotted name parts) instead of listing each one.")
    var summary = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            let report = try CheckpointReport(path: path)
            print(json ? report.json(summary: summary) : report.text(summary: summary), terminator: "")
        } catch {
            FileStandardError.write("janus-eval inspect: \(error)\n")
            throw ExitCode(1)
        }
    }
}
