import Foundation
import Models
import Testing
import TestSupport

/// The factory: config.json decides the family, a command asks for a capability, and a family lacking it says so.
@Suite struct ModelFactoryTests {
    @Test(arguments: [("janus-tiny", "janus"), ("pro-tiny", "janus"), ("janusflow-tiny", "janusflow")])
    func configDecidesTheFamily(layout: String, family: String) throws {
        #expect(try ModelFactory.family(of: FixturePaths.url("janus/\(layout)")).id == family)
    }

    @Test func everyPresetNamesARegisteredFamily() {
        var known: [String] = []
        for family in ModelFactory.families { known.append(family.id) }
        for preset in ModelRegistry.presets { #expect(known.contains(preset.family), "\(preset.name)") }
    }

    @Test func capabilitiesComeOutBuiltWithTheChosenPrecision() throws {
        let folder = FixturePaths.url("janus/pro-tiny")
        let qa = try ModelFactory.visualQA(folder: folder, options: ModelBuildOptions(precision: .bf16))
        #expect(qa.precision == .bf16 && qa.template == .pro)
        let t2i = try ModelFactory.textToImage(folder: folder)
        #expect(t2i.precision == .f32 && t2i.imageSize == 32)
        let plain = try ModelFactory.visualQA(folder: FixturePaths.url("janus/janus-tiny"))
        #expect(plain.template == .plain)
    }

    @Test func aMissingCapabilityNamesTheFamily() throws {
        // JanusFlow draws images now (its bundled tiny VAE sits in vae/ of the model folder).
        let flow = try ModelFactory.textToImage(folder: FixturePaths.url("janus/janusflow-tiny"))
        #expect(flow.defaultCFGWeight == 2 && flow.defaultSteps == 30 && flow.noiseShape == [4, 16, 16])
        let features = #expect(throws: ModelError.self) { _ = try ModelFactory.imageFeatures(folder: FixturePaths.url("janus/pro-tiny")) }
        #expect(try #require(features).description.contains("ImageFeatures"))
    }

    @Test func aCheckpointOfNoKnownFamilyIsAClearError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("factory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"model_type": "llama"}"#.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ModelError.self) { _ = try ModelFactory.family(of: dir) }
        let text = try #require(error).description
        #expect(text.contains("config.json") && text.contains("llama") && text.contains("janus, janusflow"))
    }
}
