/// GenEval's summary (evaluation/summary_scores.py): task score = mean correctness over all images of the tag;
/// overall = unweighted mean of the task scores; plus "% correct images" (all images pooled) and
/// "% correct prompts" (a prompt counts when any of its images is correct), which are reported but not the score.
public struct GenEvalScores: Equatable, Sendable {
    public struct Task: Equatable, Sendable {
        public var tag: String
        public var correct: Int
        public var images: Int
        public var score: Double { images == 0 ? 0 : Double(correct) / Double(images) }
    }

    /// In order of first appearance (pandas groupby sort=False), as the official summary prints them.
    public var tasks: [Task]
    public var overall: Double
    public var correctImages: Double
    public var correctPrompts: Double
    public var images: Int
    public var prompts: Int

    /// - Parameter results: (tag, prompt key, correct) per image; the key groups images of one prompt
    ///   (the official code groups by the metadata JSON string).
    public init(results: [(tag: String, promptKey: String, correct: Bool)]) {
        var order: [String] = []
        var byTag: [String: Task] = [:]
        var anyCorrect: [String: Bool] = [:]
        for r in results {
            if byTag[r.tag] == nil { order.append(r.tag); byTag[r.tag] = Task(tag: r.tag, correct: 0, images: 0) }
            byTag[r.tag]!.images += 1
            if r.correct { byTag[r.tag]!.correct += 1 }
            anyCorrect[r.promptKey] = (anyCorrect[r.promptKey] ?? false) || r.correct
        }
        tasks = order.map { byTag[$0]! }
        overall = tasks.isEmpty ? 0 : tasks.map(\.score).reduce(0, +) / Double(tasks.count)
        images = results.count
        prompts = anyCorrect.count
        correctImages = results.isEmpty ? 0 : Double(results.filter(\.correct).count) / Double(results.count)
        correctPrompts = anyCorrect.isEmpty ? 0 : Double(anyCorrect.values.filter { $0 }.count) / Double(anyCorrect.count)
    }
}
