import Testing

/// Pins the command surface: the planned subcommands are listed with their one-line descriptions, and
/// those not built yet say so and exit 2.
@Suite struct HelpTextTests {
    static let subcommands = ["run", "compare", "gate", "merge", "generate", "ask", "fid", "fid-stats", "tokenize",
                              "inspect", "models", "suites"]

    @Test func rootHelpListsEverySubcommand() throws {
        let r = try CLIRunner.run(["--help"])
        #expect(r.status == 0)
        for name in Self.subcommands {
            #expect(r.stdout.contains("\n  \(name) "), "\(name) missing from --help")
        }
        #expect(r.stdout.contains("USAGE: janus-eval <subcommand>"))
    }

    @Test func versionPrints() throws {
        let r = try CLIRunner.run(["--version"])
        #expect(r.status == 0 && r.stdout == "0.1.0\n")
    }

    @Test(arguments: ["fid-stats"])
    func plannedSubcommandsSaySoAndExitTwo(name: String) throws {
        let r = try CLIRunner.run([name, "x"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("janus-eval \(name): not built yet (planned for step"))
        let help = try CLIRunner.run(["help", name])
        #expect(help.stdout.contains("Example"))
    }

    @Test func suitesListsTheRegistry() throws {
        let r = try CLIRunner.run(["suites"])
        #expect(r.status == 0)
        for id in ["geneval", "pope", "mmbench"] { #expect(r.stdout.contains("\n\(id) ") || r.stdout.hasPrefix("\(id) "), "\(id)") }
        #expect(r.stdout.contains("coco_pope_"))
        let j = try CLIRunner.run(["suites", "--json"])
        #expect(j.status == 0 && j.stdout.contains("\"id\": \"mmbench\""))
    }
}
