import ArgumentParser

/// A subcommand that is planned but not built yet: it says so and exits with status 2.
protocol PlannedCommand: ParsableCommand {
    /// Which development step brings it.
    static var arrivesIn: String { get }
}

extension PlannedCommand {
    func run() throws {
        let name = Self.configuration.commandName ?? "this command"
        FileStandardError.write("janus-eval \(name): not built yet (planned for \(Self.arrivesIn)).\n")
        throw ExitCode(2)
    }
}
