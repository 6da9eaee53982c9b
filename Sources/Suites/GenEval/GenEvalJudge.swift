import Formats
import Foundation
import Scorers

/// The verdict on one image.
public struct GenEvalJudgment: Equatable, Sendable {
    public var correct: Bool
    /// The official evaluator's reason string ("\n"-joined; empty when correct).
    public var reason: String
    /// A longer account for people: what was kept per class and how each clause was decided.
    public var explanation: [String]
    /// The detections kept per class after filtering, most confident first.
    public var kept: [String: [ObjectDetection]]
}

/// GenEval's judgement (evaluation/evaluate_images.py `evaluate_image` + `evaluate`), rule for rule:
/// per class keep detections with score > 0.3 (> 0.9 for every class on counting prompts, strict), most confident
/// first, at most 16, optional greedy NMS with the legacy +1 box area (off by default); include clauses must all
/// pass, any failing exclude fails the image; per clause count → colour (top-`count` objects) → position (margin
/// 0.1·(dA + dB), 0.5 cut on the normalised offset, overlapping objects satisfy no relation).
public struct GenEvalJudge: Sendable {
    public var threshold = 0.3
    public var countingThreshold = 0.9
    public var maxObjects = 16
    /// 1.0 turns NMS off (the default).
    public var nmsThreshold = 1.0
    public var positionThreshold = 0.1

    public init() {}

    /// Every threshold the judge uses, as the rule set records them.
    public var settings: JSONObject {
        JSONObject([("threshold", .double(threshold)), ("counting_threshold", .double(countingThreshold)),
                    ("max_objects", .int(Int64(maxObjects))), ("nms_threshold", .double(nmsThreshold)),
                    ("position_threshold", .double(positionThreshold))])
    }

    static func iou(_ a: [Double], _ b: [Double]) -> Double {
        func area(_ x: [Double]) -> Double { max(x[2] - x[0] + 1, 0) * max(x[3] - x[1] + 1, 0) }
        let i = area([max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])])
        let u = area(a) + area(b) - i
        return u != 0 ? i / u : 0
    }

    /// Per-class filtering as `evaluate_image` does it.
    public func filter(_ detections: [String: [ObjectDetection]], tag: String) -> [String: [ObjectDetection]] {
        let cut = tag == "counting" ? countingThreshold : threshold
        var kept: [String: [ObjectDetection]] = [:]
        for (className, list) in detections {
            // np.argsort(scores)[::-1]: ascending (stable for these sizes), then reversed, so ties keep later first.
            let order = list.indices.sorted { list[$0].score < list[$1].score || (list[$0].score == list[$1].score && $0 < $1) }.reversed()
            var candidates = Array(order.filter { list[$0].score > cut }.prefix(maxObjects))
            var chosen: [ObjectDetection] = []
            while !candidates.isEmpty {
                let best = candidates.removeFirst()
                chosen.append(list[best])
                if nmsThreshold != 1 {
                    candidates = candidates.filter { Self.iou(list[best].box, list[$0].box) < nmsThreshold }
                }
            }
            if !chosen.isEmpty { kept[className] = chosen }
        }
        return kept
    }

    /// The relations in which A stands to B; empty when the two overlap too much to say.
    public func relativePosition(_ a: [Double], _ b: [Double]) -> Set<String> {
        let centerA = ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2), centerB = ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        let dimA = (abs(a[2] - a[0]), abs(a[3] - a[1])), dimB = (abs(b[2] - b[0]), abs(b[3] - b[1]))
        let offset = (centerA.0 - centerB.0, centerA.1 - centerB.1)
        func revise(_ o: Double, _ da: Double, _ db: Double) -> Double {
            let m = max(abs(o) - positionThreshold * (da + db), 0)
            return o > 0 ? m : (o < 0 ? -m : 0)
        }
        let revised = (revise(offset.0, dimA.0, dimB.0), revise(offset.1, dimA.1, dimB.1))
        if abs(revised.0) < 1e-3 && abs(revised.1) < 1e-3 { return [] }
        let norm = (offset.0 * offset.0 + offset.1 * offset.1).squareRoot()
        let dx = revised.0 / norm, dy = revised.1 / norm
        var relations: Set<String> = []
        if dx < -0.5 { relations.insert("left of") }
        if dx > 0.5 { relations.insert("right of") }
        if dy < -0.5 { relations.insert("above") }
        if dy > 0.5 { relations.insert("below") }
        return relations
    }

    /// Judges one image from its raw detections (unfiltered, any order).
    public func judge(_ prompt: GenEvalPrompt, detections: [String: [ObjectDetection]],
                      colors classifier: ColorClassifier) throws -> GenEvalJudgment {
        let objects = filter(detections, tag: prompt.tag)
        var correct = true
        var reasons: [String] = [], explanation: [String] = []
        var matchedGroups: [[ObjectDetection]?] = []
        let cut = prompt.tag == "counting" ? countingThreshold : threshold
        for requirement in prompt.include {
            let className = requirement.className
            var matched = true
            let all = objects[className] ?? []
            let found = Array(all.prefix(requirement.count))
            explanation.append("\(className): \(all.count) detection(s) with score > \(cut)"
                + (all.isEmpty ? "" : " (" + all.map { String(format: "%.3f", $0.score) }.joined(separator: ", ") + ")")
                + "; needs \(requirement.count)")
            if found.count < requirement.count {
                correct = false; matched = false
                reasons.append("expected \(className)>=\(requirement.count), found \(found.count)")
            } else {
                if let color = requirement.color {
                    let predicted = try classifier.colors(of: found, className: className)
                    let hits = predicted.filter { $0 == color }.count
                    explanation.append("  colour of the top \(found.count): \(predicted.joined(separator: ", ")); wanted \(color)")
                    if hits < requirement.count {
                        correct = false; matched = false
                        let tally = GenEvalVocabulary.colors.filter { predicted.contains($0) }
                            .map { c in "\(predicted.filter { $0 == c }.count) \(c)" }.joined(separator: ", ")
                        reasons.append("expected \(color) \(className)>=\(requirement.count), found \(hits) \(color); and " + tally)
                    }
                }
                if let position = requirement.position, matched {
                    if position.targetGroup >= matchedGroups.count || matchedGroups[position.targetGroup] == nil {
                        correct = false; matched = false
                        reasons.append("no target for \(className) to be \(position.relation)")
                    } else {
                        outer: for object in found {
                            for target in matchedGroups[position.targetGroup]! {
                                let relations = relativePosition(object.box, target.box)
                                let shown = Self.ordered(relations)
                                explanation.append("  \(className) is \(shown.isEmpty ? "overlapping (no relation)" : shown.joined(separator: " and ")) the target; wanted \(position.relation)")
                                if !relations.contains(position.relation) {
                                    correct = false; matched = false
                                    reasons.append("expected \(className) \(position.relation) target, found \(shown.joined(separator: " and ")) target")
                                    break outer
                                }
                            }
                        }
                    }
                }
            }
            matchedGroups.append(matched ? found : nil)
        }
        for requirement in prompt.exclude {
            let count = objects[requirement.className]?.count ?? 0
            if count >= requirement.count {
                correct = false
                reasons.append("expected \(requirement.className)<\(requirement.count), found \(count)")
            }
        }
        explanation.insert(correct ? "correct" : "wrong: " + reasons.joined(separator: "; "), at: 0)
        return GenEvalJudgment(correct: correct, reason: reasons.joined(separator: "\n"), explanation: explanation, kept: objects)
    }

    /// Relations in a fixed order (the official code joins a Python set, whose order varies).
    static func ordered(_ relations: Set<String>) -> [String] { GenEvalVocabulary.positions.filter(relations.contains) }
}
