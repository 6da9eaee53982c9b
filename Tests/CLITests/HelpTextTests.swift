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

    /// fid-stats was the last planned subcommand; it is built now (FidStatsCommandTests): a missing -o is a usage error.
    @Test func fidStatsNeedsItsOutput() throws {
        let r = try CLIRunner.run(["fid-stats", "x"])
        #expect(r.status == 64 && r.stderr.contains("--output"))
        let help = try CLIRunner.run(["help", "fid-stats"])
        #expect(help.stdout.contains("Example") && help.stdout.contains("--fid-mode") && help.stdout.contains("--inception-weights"))
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
