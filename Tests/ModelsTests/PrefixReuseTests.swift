import Foundation
import Formats
import Models
import Tensors
import Testing
import TestSupport

/// Prompt-prefix reuse (issue 16) on the tiny checkpoints of every family: a prompt continued from a shared prefix
/// gives the same hidden states and logits as the whole prompt in one piece — bit for bit — and the same greedy
/// tokens as the official code; the image prefix is computed once per image and then found in the cache.
@Suite struct PrefixReuseTests {
    static let layouts = ["janus-tiny", "pro-tiny", "janusflow-tiny"]

    static func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }

    static func prompts(_ folder: URL) throws -> [(image: String, question: String, ids: [Int], greedy: [Int])] {
        try JSONReader.parse(file: folder.appendingPathComponent("expected.json").path).cursor.array("prompts").map {
            (try $0.string("image"), try $0.string("question"), try $0.array("input_ids").map { try $0.asInt() },
             try $0.array("greedy_ids").map { try $0.asInt() })
        }
    }

    /// The whole prompt in one forward vs its image prefix once, then the rest (and another question's rest beside
    /// it, packed into the same forward): every hidden state of the continued rows is the same float, in both
    /// precisions; then each decode step's logits too (one row per step).
    @Test(arguments: layouts, [ActivationPrecision.f32, .bf16])
    func aContinuedPromptEqualsTheWholePromptBitForBit(layout: String, precision: ActivationPrecision) throws {
        let folder = FixturePaths.url("janus/\(layout)")
        let assistant = try JanusAssistant(folder: folder, precision: precision)
        let model = assistant.model, lm = model.language, h = lm.config.hiddenSize
        let tokens = try JanusUnderstandingParityTests.addedTokens(folder)
        let imageID = try #require(tokens["<image_placeholder>"]), boi = try #require(tokens["<begin_of_image>"])
        let eoi = try #require(tokens["<end_of_image>"]), eos = try #require(tokens["<｜end▁of▁sentence｜>"])
        let image = try PNGCodec.read(file: FixturePaths.path("janus/images/wide.png"))
        let (_, aligned) = model.imageEmbeddings(JanusImagePreprocessor(imageSize: model.vision.spec.imageSize)(image))
        let questions = ["What is in this image?", "Is there a dog in the image? Answer yes or no.", "Colors?"]
        let prompts = questions.map { assistant.promptIDs(question: $0) }
        let p = try #require(prompts[0].firstIndex(of: eoi)) + 1
        let prefix = model.prefill(prefix: try model.inputEmbeddings(ids: Array(prompts[0][..<p]), imageTokenID: imageID,
                                                                     beginOfImageID: boi, aligned: aligned))
        let continuation = LlamaContinuation(prefix: prefix, rows: prompts.count, capacity: 64)
        let suffixes = try prompts.map { try lm.embed(Array($0[p...])) }
        let continued = lm.forward(suffixes.enumerated().map { ($0.offset, $0.element) }, continuing: continuation)
        for (k, ids) in prompts.enumerated() {
            let embeddings = try model.inputEmbeddings(ids: ids, imageTokenID: imageID, beginOfImageID: boi, aligned: aligned)
            let cache = lm.makeCache(batch: 1, capacity: ids.count + 4)
            let whole = lm.forward(embeddings, cache: cache).toFloats()
            #expect(Self.bits(continued[k].toFloats()) == Self.bits(Array(whole[(p * h)...])),
                    "\(layout) \(precision) q\(k): the continued rows equal the whole prompt's rows")
            // Decode three steps both ways, one row per step: logits equal bit for bit.
            var a = Array(whole.suffix(h)), b = Array(continued[k].toFloats().suffix(h))
            for step in 0..<3 {
                let la = lm.logits(Tensor(shape: [1, h], floats: a)).toFloats(), lb = lm.logits(Tensor(shape: [1, h], floats: b)).toFloats()
                #expect(Self.bits(la) == Self.bits(lb), "\(layout) \(precision) q\(k) step \(step) logits")
                let next = TokenSampling.argmax(la)
                a = lm.forward(try lm.embed([next]).reshaped([1, 1, h]), cache: cache).toFloats()
                b = lm.forward([(k, try lm.embed([next]))], continuing: continuation)[0].toFloats()
            }
        }
        // The model-level greedy over the shared prefix gives `greedy`'s tokens on each whole prompt.
        let many = try model.greedy(continuing: prefix, suffixes: suffixes.map { ($0, 10) }, eos: eos)
        for (k, ids) in prompts.enumerated() {
            let one = try model.greedy(embeddings: try model.inputEmbeddings(ids: ids, imageTokenID: imageID, beginOfImageID: boi, aligned: aligned),
                                       eos: eos, maxNewTokens: 10)
            #expect(many[k] == one, "\(layout) \(precision) q\(k) greedy tokens")
        }
    }

    /// `answers` with reuse equals `answer` per question (tokens and text) and the official greedy ids; the image is
    /// encoded and its prefix computed once, and a second call finds it in the cache. Decoding several rows per
    /// step keeps the tokens (its logits may differ in the last bits: other kernels sum in another order).
    @Test(arguments: layouts)
    func answersWithReuseEqualAnswersAlone(layout: String) throws {
        let folder = FixturePaths.url("janus/\(layout)")
        let assistant = try JanusAssistant(folder: folder)
        let reference = try Self.prompts(folder)
        let hint = "Hint: the picture was taken on a sunny afternoon in a park, next to a small lake with ducks and trees.\n"
        for (imageName, group) in Dictionary(grouping: reference, by: \.image).sorted(by: { $0.key < $1.key }) {
            let image = try PNGCodec.read(file: FixturePaths.path("janus/images/\(imageName)"))
            // The reference's questions and a short one; then, as a second batch, three sharing a long hint (the
            // shared-text path: the hint is computed once on top of the cached image prefix).
            let questions = group.map { VisualQuestion($0.question, maxNewTokens: 12) } + [VisualQuestion("Yes?", maxNewTokens: 5)]
            let hinted = ["Which animal? A. duck B. dog", "Which animal? A. dog B. duck", "Where? A. park B. city"]
                .map { VisualQuestion(hint + $0, maxNewTokens: 6) }
            let before = try #require(assistant.prefixCacheStatistics)
            let got = assistant.answers(image: image, imageKey: imageName, questions: questions)
            let after = try #require(assistant.prefixCacheStatistics)
            #expect(after.misses == before.misses + 1 && after.imagesEncoded == before.imagesEncoded + 1 && after.hits == before.hits)
            let gotHinted = assistant.answers(image: image, imageKey: imageName, questions: hinted)
            let third = try #require(assistant.prefixCacheStatistics)
            #expect(third.hits == after.hits + 1 && third.misses == after.misses && third.imagesEncoded == after.imagesEncoded)
            #expect(third.questionsReused == before.questionsReused + questions.count + hinted.count)
            #expect(gotHinted.compactMap { try? $0.get().timings["shared_text_s"] }.count == hinted.count,
                    "\(layout): the hint shared by three questions is computed once (the shared-text path)")
            for (q, result) in zip(questions + hinted, got + gotHinted) {
                let answer = try result.get()
                let alone = try assistant.answer(image: image, question: q.question, maxNewTokens: q.maxNewTokens)
                #expect(answer.tokenIDs == alone.tokenIDs && answer.text == alone.text, "\(layout) \(imageName): \(q.question)")
                if let want = group.first(where: { $0.question == q.question }) {
                    #expect(answer.tokenIDs == want.greedy, "\(layout) \(imageName): official greedy ids")
                }
            }
        }
        // Several rows per decode step: the same tokens.
        assistant.prefixReuse = PrefixReuse(enabled: true, cacheBytes: PrefixReuse.defaultCacheBytes, decodeRows: 4)
        let image = try PNGCodec.read(file: FixturePaths.path("janus/images/tall.png"))
        let questions = reference.map { VisualQuestion($0.question, maxNewTokens: 12) }
        let batched = assistant.answers(image: image, imageKey: "tall-batched", questions: questions)
        for (q, result) in zip(questions, batched) {
            #expect(try result.get().tokenIDs == (try assistant.answer(image: image, question: q.question, maxNewTokens: 12).tokenIDs))
        }
        // Reuse off: every question computes its whole prompt; the same answers, nothing cached.
        assistant.prefixReuse = .off
        let off = assistant.answers(image: image, imageKey: "tall-off", questions: questions)
        #expect(try off.map { try $0.get().tokenIDs } == batched.map { try $0.get().tokenIDs })
        #expect(assistant.prefixCacheStatistics?.capacityBytes == nil && assistant.prefixCacheStatistics?.entries == 0)
    }

    @Test func aQuestionTooLongFailsAloneAndTheOthersAreAnswered() throws {
        let assistant = try JanusAssistant(folder: FixturePaths.url("janus/pro-tiny"))
        let image = try PNGCodec.read(file: FixturePaths.path("janus/images/square.png"))
        let results = assistant.answers(image: image, imageKey: "square", questions: [
            VisualQuestion("What is in this image?", maxNewTokens: 4), VisualQuestion("Too many tokens", maxNewTokens: 1 << 20),
            VisualQuestion("Colors?", maxNewTokens: 0)])
        #expect((try? results[0].get()) != nil)
        #expect(throws: ModelError.self) { try results[1].get() }
        #expect(throws: ModelError.self) { try results[2].get() }
    }

    @Test func theCacheKeepsTheMostRecentlyUsedPrefixesWithinItsBytes() throws {
        let cache = PrefixCache<[UInt8]>(capacityBytes: 250)
        var computed = 0
        func get(_ key: String, _ size: Int) -> [UInt8] {
            cache.value(for: key, bytes: { $0.count }) { computed += 1; return [UInt8](repeating: 1, count: size) }
        }
        _ = get("a", 100); _ = get("b", 100); _ = get("a", 100)          // a is now the most recent
        _ = get("c", 100)                                                 // evicts b (least recently used)
        #expect(computed == 3 && cache.statistics.hits == 1 && cache.statistics.evictions == 1)
        _ = get("a", 100); _ = get("b", 100)
        #expect(computed == 4 && cache.statistics.bytes <= 250 && cache.statistics.peakBytes == 200)
        _ = get("huge", 1000)                                             // used, never kept
        #expect(cache.statistics.entries == 2 && cache.statistics.bytes == 200)
        cache.capacityBytes = 0
        #expect(cache.statistics.entries == 0 && cache.statistics.bytes == 0)
    }

    @Test func cacheSizesParseWithUnits() {
        #expect(PrefixReuse.parse("2GiB")?.cacheBytes == 2 << 30)
        #expect(PrefixReuse.parse("512M")?.cacheBytes == 512 << 20)
        #expect(PrefixReuse.parse("1.5g")?.cacheBytes == 3 << 29)
        #expect(PrefixReuse.parse("300MB")?.cacheBytes == 300_000_000)
        #expect(PrefixReuse.parse("0")?.cacheBytes == 0 && PrefixReuse.parse("0")?.enabled == true)
        #expect(PrefixReuse.parse("off") == .off)
        #expect(PrefixReuse.parse("lots") == nil && PrefixReuse.parse("-1") == nil && PrefixReuse.parse("3 parsecs") == nil)
    }
}
