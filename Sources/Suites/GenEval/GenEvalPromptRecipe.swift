import Tensors

/// GenEval's prompt recipe (prompts/create_prompts.py), driven by the numpy-compatible generator so that
/// `GenEvalPromptRecipe(seed: 43, perTask: 100)` writes the official 553-prompt metadata byte for byte.
/// Other seeds and sizes give bigger GenEval-style sets for tighter confidence intervals.
public struct GenEvalPromptRecipe: Sendable {
    public var seed: UInt64
    public var perTask: Int

    public init(seed: UInt64 = 43, perTask: Int = 100) {
        self.seed = seed
        self.perTask = perTask
    }

    /// The de-duplicated records in generation order.
    public func prompts() -> [GenEvalPrompt] {
        typealias V = GenEvalVocabulary
        typealias R = GenEvalPrompt.Requirement
        var rng = NumpyRandom(seed: seed)
        let classes = V.classes, colors = V.colors, n = classes.count
        let person = classes.firstIndex(of: "person")!
        var samples: [GenEvalPrompt] = []
        // single_object: every class once, in a random order.
        for idx in rng.choice(n, size: n, replace: false) {
            samples.append(GenEvalPrompt(tag: "single_object", include: [R(className: classes[idx], count: 1)],
                                         prompt: "a photo of \(V.withArticle(classes[idx]))"))
        }
        for _ in 0..<perTask {
            let p = rng.choice(n, size: 2, replace: false)
            samples.append(GenEvalPrompt(tag: "two_object",
                                         include: [R(className: classes[p[0]], count: 1), R(className: classes[p[1]], count: 1)],
                                         prompt: "a photo of \(V.withArticle(classes[p[0]])) and \(V.withArticle(classes[p[1]]))"))
        }
        for _ in 0..<perTask {
            let idx = rng.choice(n)
            let count = rng.integers(2, 4, endpoint: true)
            samples.append(GenEvalPrompt(tag: "counting", include: [R(className: classes[idx], count: count)],
                                         exclude: [R(className: classes[idx], count: count + 1)],
                                         prompt: "a photo of \(V.numbers[count]) \(V.plural(classes[idx]))"))
        }
        for _ in 0..<perTask {
            // No "[colour] person": draw among the other 79 classes, offset past "person".
            let idx = (rng.choice(n - 1) + 1 + person) % n
            let color = colors[rng.choice(colors.count)]
            samples.append(GenEvalPrompt(tag: "colors", include: [R(className: classes[idx], count: 1, color: color)],
                                         prompt: "a photo of \(V.withArticle(color)) \(classes[idx])"))
        }
        for _ in 0..<perTask {
            let p = rng.choice(n, size: 2, replace: false)
            let relation = V.positions[rng.choice(V.positions.count)]
            samples.append(GenEvalPrompt(
                tag: "position",
                include: [R(className: classes[p[1]], count: 1),
                          R(className: classes[p[0]], count: 1, position: .init(relation: relation, targetGroup: 0))],
                prompt: "a photo of \(V.withArticle(classes[p[0]])) \(relation) \(V.withArticle(classes[p[1]]))"))
        }
        for _ in 0..<perTask {
            let picks = rng.choice(n - 1, size: 2, replace: false).map { ($0 + 1 + person) % n }
            let c = rng.choice(colors.count, size: 2, replace: false)
            samples.append(GenEvalPrompt(
                tag: "color_attr",
                include: [R(className: classes[picks[0]], count: 1, color: colors[c[0]]),
                          R(className: classes[picks[1]], count: 1, color: colors[c[1]])],
                prompt: "a photo of \(V.withArticle(colors[c[0]])) \(classes[picks[0]]) and \(V.withArticle(colors[c[1]])) \(classes[picks[1]])"))
        }
        // De-duplicate by content, keeping the first occurrence (the recipe compares yaml dumps of the dicts).
        var seen = Set<GenEvalPrompt>()
        return samples.filter { seen.insert($0).inserted }
    }

    /// evaluation_metadata.jsonl: one `json.dumps` line per record.
    public func metadataJSONL() -> String { prompts().map { $0.jsonLine + "\n" }.joined() }

    /// generation_prompts.txt: one prompt per line.
    public func promptsText() -> String { prompts().map { $0.prompt + "\n" }.joined() }
}
