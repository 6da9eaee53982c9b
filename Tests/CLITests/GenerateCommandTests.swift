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

    @Test func noiseFlagsAreRefusedForTokenModels() throws {
        let r = try CLIRunner.run(["generate", "--weights", FixturePaths.path("janus/pro-tiny"), "--save-noise", "--parallel", "1",
                                   "--out", FixturePaths.temporaryDirectory("gen-noise").path, "a cat"])
        #expect(r.status == 2 && r.stderr.contains("apply to flow models"), "\(r.stderr)")
    }
}

/// `generate --model demo-janusflow`: the bundled tiny JanusFlow checkpoint with its tiny VAE (issues 14 and 17).
@Suite struct JanusFlowGenerateCommandTests {
    static let weights = FixturePaths.path("janus/janusflow-tiny")

    func pixels(_ folder: String, _ count: Int) throws -> [[UInt8]] {
        try (0..<count).map { try PNGCodec.read(file: folder + "/img_\($0).png").pixels }
    }

    @Test func saveNoiseThenInitNoiseReproducesTheImagesBitForBit() throws {
        let first = FixturePaths.temporaryDirectory("flow-save").path, again = FixturePaths.temporaryDirectory("flow-replay").path
        let r = try CLIRunner.run(["generate", "--model", "demo-janusflow", "--parallel", "2", "--steps", "3", "--seed", "5", "--save-noise",
                                   "--out", first, "a red bench"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("flow steps"))
        let report = try JSONReader.parse(file: first + "/generation.json").cursor
        let noise = try report.object("noise")
        #expect(try noise.string("file") == "noise.npy" && (try noise.string("source")) == "generator")
        #expect(try noise.array("shape").map { try $0.asInt() } == [2, 4, 16, 16])
        #expect(try report.object("settings").int("steps") == 3 && (try report.object("settings").double("cfg")) == 2)
        let saved = try NPYFile.read(file: first + "/noise.npy")
        #expect(saved.elementType == .f4 && saved.shape == [2, 4, 16, 16])
        let replay = try CLIRunner.run(["generate", "--model", "demo-janusflow", "--parallel", "2", "--steps", "3", "--seed", "999",
                                        "--init-noise", first + "/noise.npy", "--out", again, "a red bench"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(try pixels(first, 2) == pixels(again, 2))
        let replayed = try JSONReader.parse(file: again + "/generation.json").cursor.object("noise")
        #expect(try replayed.string("init_noise") == first + "/noise.npy" && (try replayed.string("source")) == "file")
        // Image 0 alone (--parallel 1) starts from the same noise as image 0 of two.
        let alone = FixturePaths.temporaryDirectory("flow-alone").path
        let one = try CLIRunner.run(["generate", "--model", "demo-janusflow", "--parallel", "1", "--steps", "3", "--seed", "5", "--save-noise",
                                     "--out", alone, "a red bench"])
        #expect(one.status == 0, "\(one.stderr)")
        let single = try NPYFile.read(file: alone + "/noise.npy")
        #expect(Array(saved.bytes.prefix(single.bytes.count)) == single.bytes)
        #expect(try pixels(alone, 1)[0] == pixels(first, 2)[0])
    }

    /// Issue 17's check: the official loop's own torch.randn draw through --init-noise gives the official pixels,
    /// except at rounding boundaries.
    @Test func theOfficialNoiseGivesTheOfficialPixels() throws {
        let expected = try SafetensorsFile(path: FixturePaths.path("janusflow/expected_flow.safetensors"))
        let prompts = try JSONReader.parse(file: FixturePaths.path("janusflow/expected_flow.json")).cursor.array("prompts")
        var differing = 0, total = 0
        for (k, p) in prompts.enumerated() {
            let out = FixturePaths.temporaryDirectory("flow-official-\(k)").path
            let r = try CLIRunner.run(["generate", "--weights", Self.weights, "--parallel", "2", "--steps", "2", "--cfg", "2",
                                       "--init-noise", FixturePaths.path("janusflow/" + (try p.string("noise_file"))),
                                       "--out", out, try p.string("prompt")])
            #expect(r.status == 0, "\(r.stderr)")
            let got = try pixels(out, 2).flatMap { $0 }
            let want = try expected.tensor(named: "g\(k).pixels").toFloats().map { UInt8($0) }
            #expect(got.count == want.count)
            for (a, b) in zip(got, want) where a != b {
                #expect(abs(Int(a) - Int(b)) == 1)
                differing += 1
            }
            total += want.count
        }
        print("generate --init-noise (official torch.randn): \(differing) of \(total) uint8 values differ by one (rounding boundaries)")
        #expect(differing * 100 <= total)
    }

    @Test func aWrongNoiseShapeIsAClearError() throws {
        let r = try CLIRunner.run(["generate", "--weights", Self.weights, "--parallel", "3", "--steps", "1",
                                   "--init-noise", FixturePaths.path("janusflow/noise_official_0.npy"),
                                   "--out", FixturePaths.temporaryDirectory("flow-bad").path, "a cat"])
        #expect(r.status == 1 && r.stderr.contains("noise_official_0.npy") && r.stderr.contains("[3, 4, 16, 16]"), "\(r.stderr)")
        let missing = try CLIRunner.run(["generate", "--weights", Self.weights, "--vae", "/nonexistent/vae", "--steps", "1",
                                         "--out", FixturePaths.temporaryDirectory("flow-novae").path, "a cat"])
        #expect(missing.status == 1 && missing.stderr.contains("SDXL-VAE") && missing.stderr.contains("huggingface-cli download stabilityai/sdxl-vae"),
                "\(missing.stderr)")
    }
}
