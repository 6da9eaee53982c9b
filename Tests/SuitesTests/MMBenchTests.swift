import Formats
import Scorers
import Suites
import Testing
import TestSupport

@Suite struct MMBenchTests {
    static let questions = try! MMBenchQuestion.read(file: FixturePaths.path("mmbench/MMBench_demo.tsv"))

    @Test func readsTheTSVAndResolvesCircularImages() {
        let q = Self.questions
        #expect(q.count == 9)
        #expect(q[1].index == 1_000_000 && q[1].group == 0 && q[1].isCircularCopy && q[1].imageBase64 == q[0].imageBase64)
        #expect(q[0].options.map(\.letter) == ["A", "B", "C"])    // empty D is absent
        #expect(q[3].hint == nil && q[3].l2Category == "perception")
    }

    @Test func promptIsTheJanusWrappers() {
        #expect(Self.questions[0].prompt == "\nHint: A photo from a farm.\nWhat animal is shown?\nA. cat\nB. dog\nC. horse\n\nAnswer with the option's letter from the given choices directly.")
        #expect(Self.questions[3].prompt.hasPrefix("\nWhich colour dominates?\nA. red\nB. blue\n"))
    }

    @Test func circularEvalNeedsEveryPass() {
        // Group 0: all three passes right. Group 1: second pass wrong. Group 2: right except one unparsed answer.
        let answers = ["B", "The answer is A.", "C", "A", "A", "D", "C", "B", "I am not sure about this one."]
        let s = MMBenchScores(questions: Self.questions, answers: answers)
        #expect(s.circular == MMBenchScores.Tally(correct: 1, total: 3))
        #expect(s.vanilla == MMBenchScores.Tally(correct: 3, total: 3))
        #expect(s.byCategory["animal_recognition"] == MMBenchScores.Tally(correct: 1, total: 1))
        #expect(s.byCategory["color"] == MMBenchScores.Tally(correct: 0, total: 1))
        #expect(s.byL2Category["perception"] == MMBenchScores.Tally(correct: 1, total: 2))
        #expect(s.unparsed == 1 && s.items[8].how.contains("no option letter"))
        #expect(MultipleChoiceAnswerRule.reference.contains("e8e78f05"))
    }

    @Test func cellsPandasReadsAsNaNAreNoOptions() throws {
        // VLMEvalKit loads the TSV with pandas.read_csv: "None", "N/A", "NULL", "NA" … become NaN and the option
        // (or hint) disappears from the prompt; "none" (lower case) and "0" stay.
        let path = FixturePaths.temporaryDirectory().appendingPathComponent("mm-na.tsv")
        try ("index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\n"
             + "0\tWhich?\tNone\tred\tNone\tnone\tN/A\tA\tcolor\tAAAA\n"
             + "1\tHow many?\tNULL\t0\tNA\t#N/A\t2\tD\tcount\tAAAA\n").write(to: path, atomically: true, encoding: .utf8)
        let q = try MMBenchQuestion.read(file: path.path)
        #expect(q[0].options.map(\.letter) == ["A", "C"] && q[0].options.map(\.text) == ["red", "none"] && q[0].hint == nil)
        #expect(q[1].options.map(\.letter) == ["A", "D"] && q[1].options.map(\.text) == ["0", "2"] && q[1].hint == nil)
        #expect(TSVTable.pandasMissingValues.count == 19)
    }

    @Test func missingColumnIsAClearError() throws {
        let path = FixturePaths.temporaryDirectory().appendingPathComponent("mm.tsv")
        try "index\tquestion\tA\tB\n0\tq\tx\ty\n".write(to: path, atomically: true, encoding: .utf8)
        let e = #expect(throws: TSVError.self) { try MMBenchQuestion.read(file: path.path) }
        #expect(e?.description.contains("missing column 'image'") == true)
    }
}
