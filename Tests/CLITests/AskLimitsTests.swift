import Foundation
import Testing
import TestSupport

/// Token limits are checked before any work: --max-new-tokens outside 1…1000000 is a usage error, and a prompt that
/// does not fit max_position_embeddings with the tokens asked for is a clear error (both used to crash or run away).
@Suite struct AskLimitsTests {
    @Test func tokenLimitsAreClearErrors() throws {
        let folder = FixturePaths.path("janus/pro-tiny"), image = FixturePaths.path("janus/images/wide.png")
        for bad in ["-1", "0", "1000000000"] {
            let r = try CLIRunner.run(["ask", "--weights", folder, "--image", image, "--max-new-tokens=\(bad)", "q"])
            #expect(r.status == 64 && r.stderr.contains("--max-new-tokens must be between 1 and 1000000"), "\(bad): \(r.stderr)")
        }
        let long = String(repeating: "word ", count: 20_000)
        let r = try CLIRunner.run(["ask", "--weights", folder, "--image", image, long])
        #expect(r.status == 1 && r.stderr.contains("max_position_embeddings") && r.stderr.contains("16384"), "\(r.stderr.prefix(300))")
    }
}
