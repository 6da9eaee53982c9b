import Foundation
import Formats
import Harness
import Suites
import Testing
import TestSupport

@Suite struct RunJournalTests {
    func record(_ id: String) -> RunJournal.Entry {
        RunJournal.Entry(position: Int(id) ?? 0, record: ItemRecord(id: id, group: "g", correct: true, reason: "ok",
                                                                    fields: JSONObject([("output", .string("yes"))])))
    }

    @Test func appendsAndReadsBack() throws {
        let dir = FixturePaths.temporaryDirectory("journal")
        let path = dir.appendingPathComponent("items.jsonl").path
        do {
            let journal = try RunJournal(path: path)
            try journal.append(record("1"))
            try journal.append(record("2"))
        }
        let again = try RunJournal(path: path)
        #expect(again.entries.map(\.record.id) == ["1", "2"])
        #expect(again.entries[0] == record("1"))
        #expect(!again.droppedTornLine)
    }

    @Test func aTornLastLineIsDroppedAndTheFileRepaired() throws {
        let dir = FixturePaths.temporaryDirectory("journal")
        let path = dir.appendingPathComponent("items.jsonl").path
        do { let j = try RunJournal(path: path); try j.append(record("1")); try j.append(record("2")) }
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(#"{"position": 3, "id": "3", "gro"#.utf8))
        handle.closeFile()
        let journal = try RunJournal(path: path)
        #expect(journal.droppedTornLine)
        #expect(journal.entries.map(\.record.id) == ["1", "2"])
        try journal.append(record("3"))
        #expect(try RunJournal(path: path).entries.map(\.record.id) == ["1", "2", "3"])
    }

    @Test func aBadCompleteLineIsAnErrorNamingIt() throws {
        let dir = FixturePaths.temporaryDirectory("journal")
        let path = dir.appendingPathComponent("items.jsonl").path
        try "{\"position\": 0, \"id\": \"a\", \"group\": \"g\", \"correct\": true, \"reason\": \"\", \"fields\": {}}\nnot json\n{}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: HarnessError.self) { _ = try RunJournal(path: path) }
        #expect(try #require(error).description.contains("items.jsonl:2"))
    }
}

@Suite struct ShardSpecTests {
    @Test func parsesOneBasedShards() throws {
        #expect(try ShardSpec(parsing: "2/3") == ShardSpec(index: 2, count: 3))
        for bad in ["0/3", "4/3", "1/0", "x", "1/2/3", "-1/2"] {
            #expect(throws: HarnessError.self, "\(bad)") { _ = try ShardSpec(parsing: bad) }
        }
    }

    @Test func readsSlurmAndKubernetes() throws {
        #expect(try ShardSpec.fromEnvironment(["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "4", "SLURM_ARRAY_TASK_COUNT": "3"])
                == ShardSpec(index: 2, count: 3))
        #expect(try ShardSpec.fromEnvironment(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"]) == ShardSpec(index: 1, count: 2))
        #expect(try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "2", "JANUS_EVAL_SHARD_COUNT": "3"]) == ShardSpec(index: 3, count: 3))
        #expect(try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "0"], count: 4) == ShardSpec(index: 1, count: 4))
        #expect(try ShardSpec.fromEnvironment([:]) == nil)
        #expect(throws: HarnessError.self) { _ = try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "1"]) }
        #expect(throws: HarnessError.self) { _ = try ShardSpec.fromEnvironment(["JOB_COMPLETION_INDEX": "3"], count: 3) }
    }

    @Test func wholeGroupsAreDealtRoundRobin() {
        let shards = (1...3).map { ShardSpec(index: $0, count: 3) }
        for g in 0..<30 { #expect(shards.filter { $0.owns(groupIndex: g) }.count == 1) }
        #expect(shards[1].owns(groupIndex: 4) && !shards[1].owns(groupIndex: 5))
    }
}
