import Foundation
import Formats
import Testing
import TestSupport

@Suite struct GenerateCommandTests {
    @Test func greedyWritesTheReferenceImages() throws {
        let out = FixturePaths.temporaryDirectory("gen").path
        let r = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/pro-tiny"), "--greedy", "--parallel", "2",
                                   "--out", out, "a photo of a red bench"])
        #expect(r.status == 0, "\(r.stderr)")
        let image = try PNGCodec.read(file: out + "/img_0.png")
        #expect(image.width == 32 && image.height == 32)
        let report = try JSONReader.parse(file: out + "/generation.json").cursor
        let tokens = try report.array("tokens")[0].asArray().map { try $0.asInt() }
        let expected = try SafetensorsFile(path: FixturePaths.path("janus/pro-tiny/expected_generation.safetensors"))
        #expect(tokens == Array(try expected.tensor(named: "g0.tokens").toFloats().prefix(256).map { Int($0) }))
        #expect(try report.object("timings").double("ms_per_step") > 0)
    }

    @Test func seedsAreIndependentOfParallelism() throws {
        let one = FixturePaths.temporaryDirectory("gen1").path, four = FixturePaths.temporaryDirectory("gen4").path
        for (dir, parallel) in [(one, "1"), (four, "4")] {
            let r = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/pro-tiny"), "--seed", "7", "--parallel", parallel,
                                       "--out", dir, "a cat"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let a = try JSONReader.parse(file: one + "/generation.json").cursor.array("tokens")
        let b = try JSONReader.parse(file: four + "/generation.json").cursor.array("tokens")
        #expect(a[0].value == b[0].value)      // image 0 is the same alone or among four
        #expect(b[0].value != b[1].value)      // different images differ
        // One thread (our kernels and BLAS) instead of all cores: the same tokens.
        let threads = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/pro-tiny"), "--seed", "7", "--parallel", "1",
                                         "--out", one + "-t1", "a cat"], environment: ["JANUS_EVAL_THREADS": "1", "PATH": "/usr/bin:/bin"])
        #expect(threads.status == 0)
        let single = try JSONReader.parse(file: one + "-t1/generation.json").cursor
        #expect(try single.object("settings").int("threads") == 1)
        #expect(try single.array("tokens")[0].value == a[0].value)
        // Another seed: another image.
        let other = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/pro-tiny"), "--seed", "8", "--parallel", "1",
                                       "--threads", "2", "--out", one + "-s8", "a cat"])
        #expect(other.status == 0)
        let seed8 = try JSONReader.parse(file: one + "-s8/generation.json").cursor
        #expect(try seed8.object("settings").int("threads") == 2)
        #expect(try seed8.array("tokens")[0].value != a[0].value)
    }

    @Test func bf16PrecisionRunsAndIsRecorded() throws {
        let dir = FixturePaths.temporaryDirectory("gen-bf16").path
        let r = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/pro-tiny"), "--greedy", "--parallel", "1",
                                   "--precision", "bf16", "--out", dir, "a photo of a red bench"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONReader.parse(file: dir + "/generation.json").cursor
        #expect(try report.object("settings").string("precision") == "bf16")
        let tokens = try report.array("tokens")[0].asArray().map { try $0.asInt() }
        #expect(tokens.count == 256 && tokens.allSatisfy { $0 >= 0 && $0 < 64 })
        // Rounding the activations moves the logits only a little: most greedy tokens stay those of the f32 run.
        let expected = try SafetensorsFile(path: FixturePaths.path("janus/pro-tiny/expected_generation.safetensors"))
        let f32 = Array(try expected.tensor(named: "g0.tokens").toFloats().prefix(256).map { Int($0) })
        let same = zip(tokens, f32).filter { $0 == $1 }.count
        print("bf16 precision: \(same) of 256 greedy tokens equal the f32 reference's")
        #expect(same >= 64)
        let bad = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/pro-tiny"), "--precision", "fp8", "--out", dir, "x"])
        #expect(bad.status != 0 && bad.stderr.contains("--precision is f32 or bf16, not fp8"))
    }

    @Test func janusFlowIsRefusedClearly() throws {
        let r = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/janusflow-tiny"), "--out", "/tmp/x", "a cat"])
        #expect(r.status == 1 && r.stderr.contains("the janusflow family has no TextToImage capability"))
    }
}
