import Foundation
import Models
import Testing
import TestSupport

@Suite struct WeightLocatorTests {
    private func makeSnapshot(_ root: URL, repo: String, revision: String, files: [String], refMain: Bool) throws -> URL {
        let repoDir = root.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
        let snapshot = repoDir.appendingPathComponent("snapshots/\(revision)")
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        for f in files { try Data("x".utf8).write(to: snapshot.appendingPathComponent(f)) }
        if refMain {
            try FileManager.default.createDirectory(at: repoDir.appendingPathComponent("refs"), withIntermediateDirectories: true)
            try Data("\(revision)\n".utf8).write(to: repoDir.appendingPathComponent("refs/main"))
        }
        return snapshot
    }

    @Test func findsTheHuggingFaceCacheSnapshotFromRefsMain() throws {
        let home = FixturePaths.temporaryDirectory()
        let preset = try ModelRegistry.preset(named: "pro-7b")
        let hub = home.appendingPathComponent("hf/hub")
        _ = try makeSnapshot(hub, repo: preset.repoID, revision: "aaa", files: ["config.json"], refMain: false)
        let good = try makeSnapshot(hub, repo: preset.repoID, revision: "bbb", files: preset.expectedFiles, refMain: true)
        let locator = WeightLocator(environment: ["HF_HOME": home.appendingPathComponent("hf").path], homeDirectory: "/nonexistent")
        #expect(try locator.locate(preset).standardizedFileURL.path == good.standardizedFileURL.path)
    }

    @Test func environmentVariableWins() throws {
        let dir = FixturePaths.temporaryDirectory()
        let preset = try ModelRegistry.preset(named: "Janus-Pro-1B")
        for f in preset.expectedFiles { try Data().write(to: dir.appendingPathComponent(f)) }
        #expect(preset.environmentVariable == "JANUS_EVAL_PRO_1B_WEIGHTS")
        let locator = WeightLocator(environment: [preset.environmentVariable: dir.path], homeDirectory: "/nonexistent")
        #expect(try locator.locate(preset).path == dir.path)
    }

    @Test func missingWeightsListTheFilesAndTheDownloadCommand() throws {
        let home = FixturePaths.temporaryDirectory()
        let preset = try ModelRegistry.preset(named: "pro-7b")
        _ = try makeSnapshot(home.appendingPathComponent(".cache/huggingface/hub"), repo: preset.repoID, revision: "r1",
                             files: ["config.json"], refMain: true)
        let locator = WeightLocator(environment: [:], homeDirectory: home.path)
        let error = #expect(throws: ModelError.self) { try locator.locate(preset) }
        let text = try #require(error).description
        #expect(text.contains("Janus-Pro-7B"))
        #expect(text.contains("pytorch_model-00001-of-00002.bin"))
        #expect(text.contains("huggingface-cli download deepseek-ai/Janus-Pro-7B"))
        #expect(text.contains("snapshots/r1"))
        #expect(text.contains("$JANUS_EVAL_PRO_7B_WEIGHTS (not set)"))
    }

    @Test func unknownModelNamesTheKnownOnes() {
        #expect(throws: ModelError.unknownModel(name: "pro-3b", known: ["janus-1.3b", "janusflow-1.3b", "pro-1b", "pro-7b", "demo", "demo-janus", "demo-janusflow"])) {
            try ModelRegistry.preset(named: "pro-3b")
        }
    }
}
