
/// POPE metrics per split and overall, for one answer rule (positive class = yes).
public struct POPEScores: Equatable, Sendable {
    public struct Counts: Equatable, Sendable {
        public var truePositive = 0, falsePositive = 0, trueNegative = 0, falseNegative = 0
        /// Answers the rule could not read (counted as predicted "no" for precision/recall/F1, and wrong for accuracy).
        public var unknown = 0
        public var total: Int { truePositive + falsePositive + trueNegative + falseNegative }
        public var predictedYes: Int { truePositive + falsePositive }
        var correct = 0

        /// (TP + TN) / N with unknown answers wrong.
        public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
        /// Zero denominators give 0, as VLMEvalKit and lmms-eval guard (the official script would divide by zero).
        public var precision: Double { predictedYes == 0 ? 0 : Double(truePositive) / Double(predictedYes) }
        public var recall: Double { truePositive + falseNegative == 0 ? 0 : Double(truePositive) / Double(truePositive + falseNegative) }
        public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
        public var yesRatio: Double { total == 0 ? 0 : Double(predictedYes) / Double(total) }

        mutating func add(truth: Bool, label: YesNoLabel) {
            let predictedYes = label == .yes
            switch (truth, predictedYes) {
            case (true, true): truePositive += 1
            case (false, true): falsePositive += 1
            case (false, false): trueNegative += 1
            case (true, false): falseNegative += 1
            }
            if label == .unknown { unknown += 1 }
            if (truth && label == .yes) || (!truth && label == .no) { correct += 1 }
        }
    }

    public var rule: YesNoAnswerRule
    /// Splits in first-seen order.
    public var splits: [(name: String, counts: Counts)]
    /// All (exploded) rows pooled: VLMEvalKit's "Overall" — the POPE number Janus reports (F1 × 100).
    public var pooled: Counts
    /// The mean of the per-split F1 scores: LLaVA-1.5's convention.
    public var meanSplitF1: Double

    public static func == (a: POPEScores, b: POPEScores) -> Bool {
        a.rule == b.rule && a.pooled == b.pooled && a.splits.map(\.name) == b.splits.map(\.name) && a.splits.map(\.counts) == b.splits.map(\.counts)
    }

    /// - Parameter answers: the model's answer per question, aligned with `questions`.
    public init(questions: [POPEQuestion], answers: [String], rule: YesNoAnswerRule) {
        precondition(questions.count == answers.count, "one answer per question")
        self.init(labelled: zip(questions, answers).map { ($0.split, $0.answerIsYes, rule.label($1)) }, rule: rule)
    }

    /// From answers already labelled by `rule`: (split, truth is yes, label) per question.
    public init(labelled: [(split: String, truth: Bool, label: YesNoLabel)], rule: YesNoAnswerRule) {
        self.rule = rule
        var order: [String] = [], bySplit: [String: Counts] = [:]
        var pooled = Counts()
        for (split, truth, label) in labelled {
            if bySplit[split] == nil { order.append(split); bySplit[split] = Counts() }
            bySplit[split]!.add(truth: truth, label: label)
            pooled.add(truth: truth, label: label)
        }
        splits = order.map { ($0, bySplit[$0]!) }
        self.pooled = pooled
        meanSplitF1 = splits.isEmpty ? 0 : splits.map(\.counts.f1).reduce(0, +) / Double(splits.count)
    }
}
