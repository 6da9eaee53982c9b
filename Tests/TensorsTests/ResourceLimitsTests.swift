import Testing
import Tensors

@Suite struct ResourceLimitsTests {
    @Test func threadSettingChecksTheOptionAndTheVariableAlike() throws {
        #expect(try ThreadSetting.resolve(option: nil, environment: nil, cores: 8) == ThreadSetting(count: nil, warning: nil))
        #expect(try ThreadSetting.resolve(option: 3, environment: "abc", cores: 8).count == 3)  // the option wins
        #expect(try ThreadSetting.resolve(option: nil, environment: " 4 ", cores: 8).count == 4)
        let capped = try ThreadSetting.resolve(option: 1000, environment: nil, cores: 2)
        #expect(capped.count == 2 && capped.warning == "--threads 1000 is more than the 2 cores here; using 2")
        for bad in ["abc", "0", "-3", "", "2.5"] {
            #expect(throws: ThreadSetting.Failure.notPositive(source: "$JANUS_EVAL_THREADS", value: bad)) {
                try ThreadSetting.resolve(option: nil, environment: bad, cores: 8)
            }
        }
        #expect(throws: ThreadSetting.Failure.notPositive(source: "--threads", value: "0")) {
            try ThreadSetting.resolve(option: 0, environment: nil, cores: 8)
        }
    }

    @Test func memoryBudgetParsesSizesAndRefusesWhatDoesNotFit() throws {
        #expect(try MemoryBudget.parseSize("8G") == 8 << 30)
        #expect(try MemoryBudget.parseSize("512m") == 512 << 20)
        #expect(try MemoryBudget.parseSize("1000") == 1000)
        #expect(try MemoryBudget.parseSize("1.5K") == 1536)
        for bad in ["", "abc", "-1G", "0", "8GB", "8GiB", "inf", "1e30"] {
            #expect(throws: MemoryBudget.InvalidLimit(value: bad)) { try MemoryBudget.parseSize(bad) }
        }
        try MemoryBudget.check(1 << 20, for: "x", available: (2 << 20, "test"))
        #expect(throws: MemoryBudget.Refusal(what: "x", neededBytes: 3 << 30, availableBytes: 2 << 30, source: "test")) {
            try MemoryBudget.check(3 << 30, for: "x", available: (2 << 30, "test"))
        }
        let refusal = MemoryBudget.Refusal(what: "the KV cache", neededBytes: 3 << 30, availableBytes: 2 << 30, source: "test")
        #expect(refusal.description.hasPrefix("the KV cache needs about 3.0 GiB but 2.0 GiB is available (test)"))
        #expect(try MemoryBudget.available() != nil)  // /proc/meminfo exists on Linux
    }
}
