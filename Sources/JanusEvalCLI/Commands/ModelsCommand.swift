import ArgumentParser
import Foundation
import Models

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the known models and where their weights were found.",
        discussion: """
            For each model: its name for --model, the Hugging Face repository, the chat roles, and the folder
            its weights were found in (from $JANUS_EVAL_<NAME>_WEIGHTS or the Hugging Face cache), or what is missing.

            Examples:
              janus-eval models
              janus-eval models --json
            """)

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let locator = WeightLocator()
        var rows: [[String: String]] = []
        for preset in ModelRegistry.presets {
            var row = ["name": preset.name, "repository": preset.repoID, "family": preset.family,
                       "roles": "\(preset.template.userRole) / \(preset.template.assistantRole)",
                       "environment_variable": preset.environmentVariable]
            do {
                row["weights"] = try locator.locate(preset).path
            } catch {
                row["weights"] = nil
                row["download"] = preset.downloadCommand
            }
            rows.append(row)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("hub cache: \(locator.hubCache)")
        for row in rows {
            let found = row["weights"].map { "found: \($0)" } ?? "not found — \(row["download"]!) or set $\(row["environment_variable"]!)"
            print("\(row["name"]!.padding(toLength: 15, withPad: " ", startingAt: 0)) \(row["repository"]!.padding(toLength: 27, withPad: " ", startingAt: 0)) roles \(row["roles"]!)")
            print("                \(found)")
        }
    }
}
