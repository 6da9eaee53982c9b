import Foundation
import Formats
import Suites
import Testing
import TestSupport

@Suite struct GenEvalPromptRecipeTests {
    /// Seed 43, 100 per task: the official 553-prompt metadata, byte for byte, and the file the suite ships.
    @Test func regeneratesTheOfficialMetadataByteForByte() throws {
        let recipe = GenEvalPromptRecipe(seed: 43, perTask: 100)
        let generated = recipe.metadataJSONL()
        let oracle = try String(contentsOf: FixturePaths.url("geneval/evaluation_metadata.jsonl"), encoding: .utf8)
        let shipped = try String(contentsOf: FixturePaths.repositoryRoot.appendingPathComponent("suites/geneval/evaluation_metadata.jsonl"), encoding: .utf8)
        #expect(recipe.prompts().count == 553)
        #expect(generated == oracle)
        #expect(generated == shipped)
        if generated != oracle {
            let g = generated.split(separator: "\n"), o = oracle.split(separator: "\n")
            if let first = zip(g, o).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("first difference at line \(first.offset + 1):\n ours:   \(first.element.0)\n oracle: \(first.element.1)")
            }
        }
        let prompts = try String(contentsOf: FixturePaths.repositoryRoot.appendingPathComponent("suites/geneval/generation_prompts.txt"), encoding: .utf8)
        #expect(recipe.promptsText() == prompts)
    }

    @Test func taskSizesMatchThePublishedSet() {
        let counts = Dictionary(grouping: GenEvalPromptRecipe().prompts(), by: \.tag).mapValues(\.count)
        #expect(counts == ["single_object": 80, "two_object": 99, "counting": 80, "colors": 94, "position": 100, "color_attr": 100])
    }

    @Test func otherSeedsGiveOtherLargerSets() {
        let big = GenEvalPromptRecipe(seed: 7, perTask: 300).prompts()
        #expect(big.count > 553 * 2)
        #expect(!big.contains { $0.tag == "colors" && $0.include[0].className == "person" })
        #expect(Set(big).count == big.count)   // de-duplicated
        #expect(GenEvalPromptRecipe(seed: 7, perTask: 300).prompts() == big)   // deterministic
    }

    @Test func recordsRoundTripThroughJSON() throws {
        for record in GenEvalPromptRecipe().prompts().prefix(300) {
            let doc = try JSONReader.parse(Data(record.jsonLine.utf8), file: "x")
            #expect(try GenEvalPrompt(doc.cursor) == record)
        }
    }

    @Test func articleAndPluralRules() {
        #expect(GenEvalVocabulary.withArticle("orange") == "an orange")
        #expect(GenEvalVocabulary.withArticle("umbrella") == "an umbrella")
        #expect(GenEvalVocabulary.withArticle("hair drier") == "a hair drier")
        #expect(GenEvalVocabulary.plural("bus") == "buses" && GenEvalVocabulary.plural("skis") == "skises" && GenEvalVocabulary.plural("cat") == "cats")
    }
}
