import Formats
import Suites
import Testing
import TestSupport

/// Every answer of the oracles (shared parsers.json: 121 POPE + 135 MMBench; extra_cases.json: 35 + 30 more),
/// labelled by the reference rule code, parses the same way here.
@Suite struct AnswerParserTests {
    static let files = ["parsers/parsers.json", "parsers/extra_cases.json"]

    @Test(arguments: files)
    func yesNoRulesMatchTheReferences(file: String) throws {
        let cases = try JSONReader.parse(file: FixturePaths.path(file)).cursor.array("pope")
        var agree = 0
        for c in cases {
            let answer = try c.string("answer")
            let official = YesNoAnswerRule.popeOfficial.label(answer).rawValue
            let vlm = YesNoAnswerRule.vlmevalkit.label(answer)
            let exact = YesNoAnswerRule.exact.label(answer).rawValue
            let vlmWant = try c.string("vlmevalkit")
            let vlmGot = vlm == .unknown ? "Unknown" : (vlm == .yes ? "Yes" : "No")
            let officialWant = try c.string("official"), exactWant = try c.string("exact")
            let ok = official == officialWant && vlmGot == vlmWant && exact == exactWant
            #expect(ok, "\(file): \"\(answer)\": official \(official), vlmevalkit \(vlmGot) (want \(vlmWant)), exact \(exact)")
            if ok { agree += 1 }
        }
        print("POPE parsers, \(file): \(agree) of \(cases.count) answers agree on all three rules")
        #expect(cases.count >= 30)
    }

    @Test(arguments: files)
    func multipleChoiceExtractionMatchesVLMEvalKit(file: String) throws {
        let cases = try JSONReader.parse(file: FixturePaths.path(file)).cursor.array("mmbench")
        var agree = 0
        for c in cases {
            let answer = try c.string("answer")
            let choices = try c.field("choices").entries().map { ($0.key, try $0.value.asString()) }
            let extracted = try c.field("extracted")
            let want: String? = extracted.isNull ? nil : try extracted.asString()
            let (got, how) = MultipleChoiceAnswerRule.extract(answer, choices: choices)
            let gotText: String? = switch got { case .option(let l): l; case .refused: "Z"; case .unparsed: nil }
            #expect(gotText == want, "\(file): \"\(answer)\" → \(gotText ?? "nil") (\(how)), VLMEvalKit \(want ?? "nil")")
            if gotText == want { agree += 1 }
        }
        print("MMBench extraction, \(file): \(agree) of \(cases.count) agree")
    }

    @Test func processPunctuationQuirks() {
        // Touching a space: removed; otherwise replaced by a space.
        #expect(YesNoAnswerRule.processPunctuation("yes, it is") == "yes it is")
        #expect(YesNoAnswerRule.processPunctuation("yes,no") == "yes no")
        // Only the first 32 free periods go (re.UNICODE passed as count).
        let dots = String(repeating: ".", count: 40) + "x"
        #expect(YesNoAnswerRule.processPunctuation(dots) == String(repeating: ".", count: 8) + "x")
        #expect(YesNoAnswerRule.processPunctuation("3.5 dogs.") == "3.5 dogs")
    }

    @Test func explanationsSayHow() {
        #expect(YesNoAnswerRule.popeOfficial.parse("No, there is not.").how.contains("\"No\""))
        #expect(YesNoAnswerRule.vlmevalkit.parse("yes and no").how.contains("both"))
        #expect(MultipleChoiceAnswerRule.extract("The answer is C.", choices: [("A", "x"), ("B", "y"), ("C", "z")]).0 == .option("C"))
    }
}
