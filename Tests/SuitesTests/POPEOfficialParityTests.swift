import Foundation
import Formats
import Suites
import Testing
import TestSupport

/// POPE with the official answer rule against what POPE's own evaluate.py (AoiDragon/POPE 08d957b, run unchanged
/// by tools/reference/make_pope_official_fixtures.py) printed for the same answers: the counts, and every metric
/// to the last bit. Fixtures: Tests/Fixtures/pope/official/ (see its README).
@Suite struct POPEOfficialParityTests {
    static let folder = "pope/official"
    static let metricNames = ["accuracy", "precision", "recall", "f1", "yes_ratio"]

    static func expected() throws -> JSONCursor {
        try JSONReader.parse(file: FixturePaths.path("\(folder)/expected_evaluate_py.json")).cursor
    }

    /// evaluate.py's label for each distinct answer.
    static func officialLabels() throws -> [String: String] {
        var labels: [String: String] = [:]
        for entry in try expected().array("answer_labels") { labels[try entry.string("answer")] = try entry.string("official") }
        return labels
    }

    /// LLaVA-style answers (`question_id`, `text`) by question id; every id once.
    static func llavaAnswers(_ path: String) throws -> [String: String] {
        var answers: [String: String] = [:]
        try JSONLinesReader.forEachLine(file: path) { line, doc in
            let c = doc.cursor
            let id = String(try c.int("question_id"))
            #expect(answers[id] == nil, "\(path):\(line): question \(id) answered twice")
            answers[id] = try c.string("text")
        }
        return answers
    }

    @Test(arguments: ["random", "popular", "adversarial"])
    func splitMatchesEvaluatePy(split: String) throws {
        let e = try Self.expected().object("splits").object(split)
        let questions = try POPEQuestionFile.readOfficial(file: FixturePaths.path("\(Self.folder)/\(try e.string("question_file"))"))
        let expectedCount = try e.int("questions")
        #expect(questions.count == expectedCount)
        #expect(questions.allSatisfy { $0.split == split })
        let suite = try POPESuite(questions: questions, imageFolder: FixturePaths.path(Self.folder), rule: .popeOfficial)
        #expect(suite.splits == [split])

        let answers = try Self.llavaAnswers(FixturePaths.path("\(Self.folder)/\(try e.string("answers_llava"))"))
        #expect(Set(answers.keys) == Set(questions.map(\.id)), "one answer per question")
        let labels = try Self.officialLabels()
        var records: [ItemRecord] = []
        for item in suite.items {
            #expect(item.id.hasPrefix("\(split)/"))
            let questionID = String(item.id.dropFirst(split.count + 1))
            let answer = try #require(answers[questionID], "no answer for \(item.id)")
            let record = try suite.score(item, output: .text(answer))
            // Item by item: the label evaluate.py gives this answer on its own.
            #expect(record.string("parsed") == labels[answer], "\(item.id): \(answer.debugDescription)")
            records.append(record)
        }

        // Counts, recomputed from the records' fields, as evaluate.py printed them.
        func count(_ truth: String, _ parsed: String) -> Int {
            records.filter { $0.string("truth") == truth && $0.string("parsed") == parsed }.count
        }
        let (tp, fp, tn, fn) = (count("yes", "yes"), count("no", "yes"), count("no", "no"), count("yes", "no"))
        let printedCounts = (try e.int("TP"), try e.int("FP"), try e.int("TN"), try e.int("FN"))
        #expect((tp, fp, tn, fn) == printedCounts, "TP FP TN FN \(tp) \(fp) \(tn) \(fn)")
        #expect(tp + fp + tn + fn == questions.count)
        let countsLine = try e.array("printed_lines")[1].asString()
        #expect(countsLine == "\(tp)\t\(fp)\t\(tn)\t\(fn)")

        let metrics = Dictionary(uniqueKeysWithValues: POPESuite.aggregate(records).map { ($0.id, $0) })
        #expect(metrics["\(split)/unknown"]?.value == 0, "the official rule reads every answer")
        for name in Self.metricNames {
            let metric = try #require(metrics["\(split)/\(name)"], "no metric \(split)/\(name)")
            #expect(metric.n == questions.count)
            let value = metric.value
            // As printed: Python prints the shortest text that reads back as its double, so the printed number is
            // evaluate.py's double itself; equal bits, and the same shortest text.
            let printedText = try e.object("printed").string(name)
            let printed = try #require(Double(printedText))
            #expect(value.bitPattern == printed.bitPattern, "\(split)/\(name): \(value) vs evaluate.py's \(printedText)")
            #expect("\(value)" == printedText)
            // The exact fraction from the printed counts. One IEEE division of the counts is correctly rounded, so
            // accuracy, precision, recall and yes ratio are the nearest double; F1 is computed from the rounded
            // precision and recall (by evaluate.py and by us alike) and may be off by an ulp or two.
            let exact = try e.object("exact").object(name)
            let nearest = Double(try exact.int("numerator")) / Double(try exact.int("denominator"))
            let pythonNearest = try exact.double("nearest_double")
            #expect(nearest == pythonNearest)
            if name == "f1" {
                #expect(abs(value - nearest) <= 2 * nearest.ulp, "f1 \(value) vs exact \(nearest)")
                let pythonSaysEqual = try e.object("printed_equals_nearest_double").bool(name)
                #expect((value == nearest) == pythonSaysEqual)
            } else {
                #expect(value == nearest, "\(split)/\(name): \(value) vs exact \(nearest)")
            }
        }
    }

    /// The same answers in evaluate.py's own format: one `{"question", "answer"}` line per question, in the question
    /// file's order (evaluate.py pairs them by line; here the question text is checked too).
    @Test(arguments: ["random", "popular", "adversarial"])
    func popeFormatAnswersAreTheLLaVAAnswersInQuestionOrder(split: String) throws {
        let e = try Self.expected().object("splits").object(split)
        let questions = try POPEQuestionFile.readOfficial(file: FixturePaths.path("\(Self.folder)/\(try e.string("question_file"))"))
        let llava = try Self.llavaAnswers(FixturePaths.path("\(Self.folder)/\(try e.string("answers_llava"))"))
        let lines = try JSONLinesReader.read(file: FixturePaths.path("\(Self.folder)/\(try e.string("answers_pope"))"))
        #expect(lines.count == questions.count)
        for (q, line) in zip(questions, lines) {
            let question = try line.cursor.string("question"), answer = try line.cursor.string("answer")
            #expect(question == q.text, "\(line.file)")
            #expect(answer == llava[q.id], "\(line.file)")
        }
    }

    /// Probes on which `YesNoAnswerRule.popeOfficial` and evaluate.py disagree: a combining mark (U+0301) right after
    /// "." or " " joins it into one Swift Character, so the Swift rule finds no "." to cut at and no space to split
    /// on, where Python, working on code points, does. No answer in the split files is of this kind.
    /// Answers that once diverged (a combining mark after "." or " ": Swift's Characters merged them; the rule now
    /// works on code points, as Python does).
    static let formerDivergences: Set<String> = ["No.\u{301} Yes", "Yes.\u{301} No", "No \u{301}there"]

    /// Every distinct answer of the splits, and Unicode probes (combining marks after ".", "," and " ", CRLF,
    /// full-width letters, a soft hyphen), get evaluate.py's label from the official rule.
    @Test func everyAnswerGetsEvaluatePysLabel() throws {
        let entries = try Self.expected().array("answer_labels")
        #expect(entries.count > 100 && entries.contains { (try? $0.bool("in_splits")) == false })
        var labels: Set<String> = [], seen: Set<String> = []
        for entry in entries {
            let answer = try entry.string("answer"), official = try entry.string("official")
            labels.insert(official)
            seen.insert(answer)
            let check = {
                #expect(YesNoAnswerRule.popeOfficial.label(answer).rawValue == official,
                        "\(answer.debugDescription) (scalars \(answer.unicodeScalars.map { String($0.value, radix: 16) })): evaluate.py says \(official)")
            }
            if Self.formerDivergences.contains(answer) { #expect(try entry.bool("in_splits") == false) }
            check()
        }
        #expect(Self.formerDivergences.isSubset(of: seen))
        #expect(labels == ["yes", "no"])
    }
}
