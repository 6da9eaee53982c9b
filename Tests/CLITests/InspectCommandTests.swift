import Foundation
import Testing
import TestSupport

@Suite struct InspectCommandTests {
    @Test func shardedSafetensorsFolderSummary() throws {
        let r = try CLIRunner.run(["inspect", FixturePaths.path("checkpoints/tiny-sharded-safetensors"), "--summary"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("model_type: multi_modality"))
        #expect(r.stdout.contains("vision_config: CLIPVisionTower (siglip_tiny_demo)"))
        #expect(r.stdout.contains("model-00001-of-00002.safetensors: 11 tensors"))
        #expect(r.stdout.contains("model-00002-of-00002.safetensors: 12 tensors"))
        #expect(r.stdout.contains("total: 23 tensors, 8.3K parameters, 16.66 KB"))
        let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("language_model.model ") })
        #expect(line.contains("10") && line.contains("BF16"))
    }

    @Test func shardedBinFolderListsTheShardOfEachTensor() throws {
        let r = try CLIRunner.run(["inspect", FixturePaths.path("checkpoints/sharded-bin")])
        #expect(r.status == 0, "\(r.stderr)")
        let sliced = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("sliced ") })
        #expect(sliced.contains("F32") && sliced.contains("[2, 3]") && sliced.hasSuffix("pytorch_model-00002-of-00002.bin"))
        #expect(r.stdout.contains("total: 6 tensors, 59 parameters, 222 B"))
    }

    @Test func jsonOutput() throws {
        let r = try CLIRunner.run(["inspect", FixturePaths.path("checkpoints/sharded-bin"), "--json"])
        #expect(r.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(tensors.count == 6)
        #expect(tensors.first { $0["name"] as? String == "bf16" }?["shard"] as? String == "pytorch_model-00001-of-00002.bin")
        #expect((object["total"] as? [String: Any])?["bytes"] as? Int == 222)
    }

    @Test func legacyPthNotesNonTensorEntries() throws {
        let r = try CLIRunner.run(["inspect", FixturePaths.path("checkpoints/tensors_legacy.pth")])
        #expect(r.status == 0)
        #expect(r.stdout.contains("note: 'meta.epoch' is not a tensor"))
    }

    @Test func errorsExitOneAndNameTheFile() throws {
        let evil = try CLIRunner.run(["inspect", FixturePaths.path("checkpoints/malformed/evil_global.bin")])
        #expect(evil.status == 1)
        #expect(evil.stderr.contains("evil_global.bin") && evil.stderr.contains("'os.system' is not allowed"))
        let missing = try CLIRunner.run(["inspect", "/nonexistent/x.safetensors"])
        #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/x.safetensors: cannot open (no such file or folder)"))
    }
}
