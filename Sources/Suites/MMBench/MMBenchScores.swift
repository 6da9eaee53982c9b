
/// MMBench scoring with CircularEval: a question counts only if every circular pass of it is answered right
/// (overall and per `category` / `l2-category`, over question groups); vanilla accuracy uses only the original
/// (k = 0) rows. Extraction is rule-based (VLMEvalKit can_infer); an unparsed answer is wrong and counted.
public struct MMBenchScores: Sendable {
    public struct Item: Sendable {
        public var index: Int
        public var answer: String
        public var extracted: MultipleChoiceAnswerRule.Extraction
        public var how: String
        public var correct: Bool
    }

    public struct Tally: Equatable, Sendable {
        public var correct = 0
        public var total = 0
        public init(correct: Int = 0, total: Int = 0) { self.correct = correct; self.total = total }
        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    public var items: [Item]
    public var circular: Tally
    public var vanilla: Tally
    public var byCategory: [String: Tally]
    public var byL2Category: [String: Tally]
    public var unparsed: Int
    public var refused: Int

    public init(questions: [MMBenchQuestion], answers: [String]) {
        precondition(questions.count == answers.count, "one answer per question")
        items = zip(questions, answers).map { q, a in
            let (extraction, how) = MultipleChoiceAnswerRule.extract(a, choices: q.options)
            return Item(index: q.index, answer: a, extracted: extraction, how: how, correct: extraction.letter != nil && extraction.letter == q.answer)
        }
        unparsed = items.filter { $0.extracted == .unparsed }.count
        refused = items.filter { $0.extracted == .refused }.count
        (circular, vanilla, byCategory, byL2Category) = Self.tally(zip(questions, items).map { q, item in
            (q.group, q.isCircularCopy, q.category, q.l2Category, item.correct)
        })
    }

    /// CircularEval over scored rows: a group counts only when every pass of it is right; vanilla uses the
    /// original (k = 0) rows; a group's categories are its original row's.
    public static func tally(_ rows: [(group: Int, isCircularCopy: Bool, category: String, l2Category: String, correct: Bool)])
        -> (circular: Tally, vanilla: Tally, byCategory: [String: Tally], byL2Category: [String: Tally]) {
        var groups: [Int: (ok: Bool, category: String, l2: String)] = [:]
        var order: [Int] = []
        var vanilla = Tally()
        for row in rows {
            if groups[row.group] == nil { order.append(row.group); groups[row.group] = (true, row.category, row.l2Category) }
            groups[row.group]!.ok = groups[row.group]!.ok && row.correct
            if !row.isCircularCopy {
                vanilla.total += 1; if row.correct { vanilla.correct += 1 }
                groups[row.group]!.category = row.category; groups[row.group]!.l2 = row.l2Category
            }
        }
        var circular = Tally(), byCategory: [String: Tally] = [:], byL2Category: [String: Tally] = [:]
        for g in order {
            let v = groups[g]!
            circular.total += 1; byCategory[v.category, default: Tally()].total += 1; byL2Category[v.l2, default: Tally()].total += 1
            if v.ok { circular.correct += 1; byCategory[v.category]!.correct += 1; byL2Category[v.l2]!.correct += 1 }
        }
        return (circular, vanilla, byCategory, byL2Category)
    }
}
