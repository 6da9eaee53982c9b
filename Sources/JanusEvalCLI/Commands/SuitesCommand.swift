import ArgumentParser
import Formats
import Suites

struct SuitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suites",
        abstract: "List the suites: what each measures and where its data comes from.",
        discussion: """
            Each suite is one folder under Sources/Suites plus one line in SuiteRegistry; `run SUITE --data PATH` takes
            the data forms listed here.

            Examples:
              janus-eval suites
              janus-eval suites --json
            """)

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        if json {
            let list = SuiteRegistry.all.map { entry in
                JSONValue.object(JSONObject([("id", .string(entry.id)), ("summary", .string(entry.summary)),
                                             ("data", .string(entry.dataSources)), ("rule_sets", .string(entry.ruleSets))]))
            }
            print(JSONWriter(style: .pythonDumps).string(.array(list)))
            return
        }
        for entry in SuiteRegistry.all {
            print("\(entry.id.padding(toLength: 9, withPad: " ", startingAt: 0)) \(entry.summary)")
            print("          data: \(entry.dataSources)")
            print("          rules: \(entry.ruleSets)")
        }
    }
}
