import Foundation
import Formats
import Harness
import Suites
import Testing
import TestSupport

/// `run` over answer files: metrics equal the suite's own scoring, resume and shards give the same report, a folder
/// of another configuration is refused, and answer matching errors name both files.
@Suite(.serialized) struct RunnerTests {
    static func answer(_ split: String, _ q: Int, _ yes: Bool) -> String {
        // Mostly right, with some misses and unreadable ones, different per split.
        if q % 7 == 0 { return "I cannot tell." }
        if (q + split.count) % 5 == 0 { return yes ? "No, there is not." : "Yes, there is." }
        return yes ? "Yes, there is." : "No."
    }

    @Test func metricsEqualTheSuitesOwnScoringAndTheReportIsComplete() throws {
        let dir = FixturePaths.temporaryDirectory("run")
        let data = try HarnessFixtures.popeData(in: dir)
        let answers = try HarnessFixtures.popeAnswers(in: dir, answer: Self.answer)
        let runner = try HarnessFixtures.popeRunner(data: data, answers: answers, out: dir.appendingPathComponent("out").path)
        let outcome = try runner.run(shouldStop: { false })
        #expect(outcome.scored == 90 && outcome.failed.isEmpty && !outcome.interrupted)
        // Independent computation with POPEScores on the same answers and the official rule.
        let questions = try ["random", "popular", "adversarial"].flatMap { try POPEQuestionFile.readOfficial(file: data + "/coco_pope_\($0).json") }
        let texts = questions.map { Self.answer($0.split, Int($0.id)!, $0.answerIsYes) }
        let scores = POPEScores(questions: questions, answers: texts, rule: .popeOfficial)
        let report = try JSONReader.parse(file: outcome.reportPath).cursor
        #expect(try report.string("schema") == "janus-eval.report/1")
        let metrics = try report.field("metrics")
        for (split, counts) in scores.splits {
            #expect(try metrics.field("\(split)/f1").double("value") == counts.f1)
            #expect(try metrics.field("\(split)/accuracy").double("value") == counts.accuracy)
            #expect(try metrics.field("\(split)/accuracy").int("n") == 30)
            let ci = try metrics.field("\(split)/accuracy").array("ci95").map { try $0.asDouble() }
            #expect(ci[0] <= counts.accuracy && counts.accuracy <= ci[1] && ci[0] < ci[1])
        }
        #expect(try metrics.field("pooled/f1").double("value") == scores.pooled.f1)
        #expect(try metrics.field("mean/f1").double("value") == scores.meanSplitF1)
        #expect(try metrics.field("random/yes_ratio").field("higher_is_better").value == .null)
        #expect(try metrics.field("random/unknown").bool("higher_is_better") == false)
        #expect(try report.array("items").count == 90)
        #expect(try report.field("run").field("configuration").string("suite") == "pope")
    }

    @Test func aStoppedRunResumesToTheSameReport() throws {
        let dir = FixturePaths.temporaryDirectory("resume")
        let data = try HarnessFixtures.popeData(in: dir)
        let answers = try HarnessFixtures.popeAnswers(in: dir, answer: Self.answer)
        let whole = dir.appendingPathComponent("whole").path, parts = dir.appendingPathComponent("parts").path
        _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: whole).run(shouldStop: { false })
        var calls = 0
        let first = try HarnessFixtures.popeRunner(data: data, answers: answers, out: parts).run(shouldStop: { calls += 1; return calls > 4 })
        #expect(first.interrupted && first.scored < 90)
        let second = try HarnessFixtures.popeRunner(data: data, answers: answers, out: parts).run(shouldStop: { false })
        #expect(second.resumedItems == first.scored && second.scored == 90)
        #expect(try HarnessFixtures.stableReport(parts) == HarnessFixtures.stableReport(whole))
        let journal = try RunJournal(path: parts + "/items.jsonl")
        #expect(journal.entries.count == 90 && Set(journal.entries.map(\.record.id)).count == 90)
    }

    @Test func threeShardsMergeIntoTheSingleProcessReport() throws {
        let dir = FixturePaths.temporaryDirectory("shards")
        let data = try HarnessFixtures.popeData(in: dir)
        let answers = try HarnessFixtures.popeAnswers(in: dir, answer: Self.answer)
        let whole = dir.appendingPathComponent("whole").path
        _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: whole).run(shouldStop: { false })
        var folders: [String] = []
        for i in 1...3 {
            let folder = dir.appendingPathComponent("shard-\(i)").path
            let outcome = try HarnessFixtures.popeRunner(data: data, answers: answers, out: folder, shard: ShardSpec(index: i, count: 3))
                .run(shouldStop: { false })
            #expect(outcome.items > 0 && outcome.items < 90)
            folders.append(folder)
        }
        let merged = dir.appendingPathComponent("merged").path
        #expect(try ShardMerge.merge(folders, into: merged).items == 90)
        #expect(try HarnessFixtures.stableReport(merged) == HarnessFixtures.stableReport(whole))
        // Refused: a missing shard, a shard twice, shards of another run.
        #expect(throws: HarnessError.self) { _ = try ShardMerge.merge(Array(folders.prefix(2)), into: merged + "-2") }
        #expect(throws: HarnessError.self) { _ = try ShardMerge.merge([folders[0], folders[0], folders[2]], into: merged + "-3") }
        let other = dir.appendingPathComponent("other").path
        _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: other, shard: ShardSpec(index: 2, count: 3), limit: 60)
            .run(shouldStop: { false })
        let error = #expect(throws: HarnessError.self) { _ = try ShardMerge.merge([folders[0], other, folders[2]], into: merged + "-4") }
        #expect(try #require(error).description.contains("limit"))
    }

    @Test func aFolderOfAnotherConfigurationIsRefusedWithTheDifference() throws {
        let dir = FixturePaths.temporaryDirectory("refuse")
        let data = try HarnessFixtures.popeData(in: dir)
        let answers = try HarnessFixtures.popeAnswers(in: dir, answer: Self.answer)
        let out = dir.appendingPathComponent("out").path
        _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: out, limit: 30).run(shouldStop: { false })
        let error = #expect(throws: HarnessError.self) {
            _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: out, limit: 45).run(shouldStop: { false })
        }
        let text = try #require(error).description
        #expect(text.contains("limit: 30 → 45") && error?.exitCode == 2)
        let fresh = try HarnessFixtures.popeRunner(data: data, answers: answers, out: out, limit: 45, fresh: true).run(shouldStop: { false })
        #expect(fresh.scored == 45 && fresh.resumedItems == 0)
    }

    @Test func answersThatDoNotMatchTheQuestionsNameTheFiles() throws {
        let dir = FixturePaths.temporaryDirectory("match")
        let data = try HarnessFixtures.popeData(perSplit: 6, in: dir)
        var answers = try HarnessFixtures.popeAnswers(perSplit: 6, in: dir, answer: { _, _, _ in "Yes" })
        // Drop one answer: the missing question is named.
        let lines = try String(contentsOfFile: answers[0], encoding: .utf8).split(separator: "\n").dropLast()
        try (lines.joined(separator: "\n") + "\n").write(toFile: answers[0], atomically: true, encoding: .utf8)
        let missing = #expect(throws: HarnessError.self) { _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: dir.path + "/o1") }
        #expect(try #require(missing).description.contains("random/6"))
        // An answer for no question.
        try (lines.joined(separator: "\n") + "\n{\"question_id\": 99, \"text\": \"No\"}\n").write(toFile: answers[0], atomically: true, encoding: .utf8)
        let extra = #expect(throws: HarnessError.self) { _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: dir.path + "/o2") }
        #expect(try #require(extra).description.contains("answers_random.jsonl:6") && extra!.description.contains("random/99"))
        answers.removeLast()
        #expect(throws: HarnessError.self) { _ = try HarnessFixtures.popeRunner(data: data, answers: answers, out: dir.path + "/o3") }
    }

    @Test func scriptInAnAnswerStaysTextInTheHTML() throws {
        let dir = FixturePaths.temporaryDirectory("html")
        let data = try HarnessFixtures.popeData(perSplit: 3, in: dir)
        let answers = try HarnessFixtures.popeAnswers(perSplit: 3, in: dir, answer: { _, _, _ in "<script>alert(1)</script> & \"quoted\"" })
        let outcome = try HarnessFixtures.popeRunner(data: data, answers: answers, out: dir.path + "/out").run(shouldStop: { false })
        let html = try String(contentsOfFile: outcome.htmlPath, encoding: .utf8)
        #expect(!html.contains("<script>alert(1)</script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(!html.contains("http://") && !html.contains("https://") || html.contains("http://www.w3.org/2000/svg"))
        #expect(!html.contains("<script"))
    }
}
