import Formats

/// Builds POPE-style question sets from any COCO-format instances file, following the published construction
/// (RUCAIBox/POPE main.py/utils.py): images with at least 3 objects; N sampled; per image the first 3 objects
/// (annotation order) are the positives, each followed by one negative — never in the image, never asked
/// before for it — chosen at random among the sampled images' objects, by popularity (the object in the most
/// sampled images), or adversarially (the object co-occurring most with the positive), with a random fallback.
/// Questions read "Is there a/an {object} in the image?" (without the old generator's "imange" typo).
public enum POPEBuilder {
    public enum Strategy: String, CaseIterable, Sendable { case random, popular, adversarial }

    public static func build(instances path: String, imageCount: Int = 500, positivesPerImage: Int = 3,
                             using rng: inout some RandomNumberGenerator) throws -> [POPEQuestion] {
        let doc = try JSONReader.parse(file: path).cursor
        var names: [Int: String] = [:]
        for c in try doc.array("categories") { names[try c.int("id")] = try c.string("name") }
        var files: [Int: String] = [:]
        for i in try doc.array("images") { files[try i.int("id")] = try i.string("file_name") }
        var objects: [Int: [String]] = [:], order: [Int] = []
        for a in try doc.array("annotations") {
            let image = try a.int("image_id"), category = try a.int("category_id")
            guard let name = names[category] else {
                throw JSONError.invalidValue(file: path, path: a.path + ".category_id", message: "category \(category) is not in categories")
            }
            if objects[image] == nil { order.append(image) }
            if !objects[image, default: []].contains(name) { objects[image, default: []].append(name) }
        }
        let eligible = order.filter { (objects[$0]?.count ?? 0) >= positivesPerImage }
        let chosen = Array(eligible.shuffled(using: &rng).prefix(imageCount))
        let pool = chosen.flatMap { objects[$0]! }
        var seenIn: [String: Int] = [:]
        var cooccur: [String: [String: Int]] = [:]
        for image in chosen {
            let objs = objects[image]!
            for o in objs { seenIn[o, default: 0] += 1 }
            for a in objs { for b in objs where a != b { cooccur[a, default: [:]][b, default: 0] += 1 } }
        }
        let byPopularity = seenIn.keys.sorted { (seenIn[$0]!, $1) > (seenIn[$1]!, $0) }
        var out: [POPEQuestion] = []
        for strategy in Strategy.allCases {
            var id = 1
            for image in chosen {
                let present = Set(objects[image]!)
                var asked = Set<String>()
                for positive in objects[image]!.prefix(positivesPerImage) {
                    out.append(question(id, files[image] ?? String(image), positive, true, strategy)); id += 1
                    asked.insert(positive)
                    let allowed = { (o: String) in !present.contains(o) && !asked.contains(o) }
                    var negative: String?
                    switch strategy {
                    case .random: negative = nil
                    case .popular: negative = byPopularity.first(where: allowed)
                    case .adversarial:
                        let partners = cooccur[positive] ?? [:]
                        negative = partners.keys.sorted { (partners[$0]!, $1) > (partners[$1]!, $0) }.first(where: allowed)
                    }
                    if negative == nil {
                        let candidates = pool.filter(allowed)
                        if !candidates.isEmpty { negative = candidates[Int.random(in: 0..<candidates.count, using: &rng)] }
                    }
                    if let negative {
                        out.append(question(id, files[image] ?? String(image), negative, false, strategy)); id += 1
                        asked.insert(negative)
                    }
                }
            }
        }
        return out
    }

    static func question(_ id: Int, _ image: String, _ object: String, _ yes: Bool, _ strategy: Strategy) -> POPEQuestion {
        let article = "aeiou".contains(object.first ?? "x") ? "an" : "a"
        return POPEQuestion(id: String(id), image: image, text: "Is there \(article) \(object) in the image?", answerIsYes: yes, split: strategy.rawValue)
    }
}
