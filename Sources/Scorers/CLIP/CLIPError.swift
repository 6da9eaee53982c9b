/// What can go wrong with CLIP's files and inputs; each case names the file or input, what was expected and what was found.
public enum CLIPError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(file: String, detail: String)
    case invalidVocabulary(file: String, detail: String)
    case weightsNotFound(searched: [String], expectedFiles: [String])
    case invalidInput(String)
    case emptyCrop(box: [Double], rounded: [Int], image: (width: Int, height: Int))
    case maskSize(expected: Int, found: Int, image: (width: Int, height: Int))

    public static func == (a: CLIPError, b: CLIPError) -> Bool { a.description == b.description }

    public var description: String {
        switch self {
        case let .invalidConfig(file, detail):
            return "\(file): \(detail)"
        case let .invalidVocabulary(file, detail):
            return "\(file): \(detail)"
        case let .weightsNotFound(searched, expectedFiles):
            return """
            CLIP ViT-L/14 weights not found. Looked in:
            \(searched.map { "  - " + $0 }.joined(separator: "\n"))
            A CLIP folder holds \(expectedFiles.joined(separator: ", ")) (the Hugging Face openai/clip-vit-large-patch14 layout).
            Get it with:
              huggingface-cli download openai/clip-vit-large-patch14 config.json vocab.json merges.txt model.safetensors
            then pass --clip-weights DIR, set $JANUS_EVAL_CLIP_WEIGHTS, or leave it in the Hugging Face cache
            (~/.cache/huggingface/hub/models--openai--clip-vit-large-patch14/snapshots/<revision>/).
            """
        case let .invalidInput(detail):
            return detail
        case let .emptyCrop(box, rounded, image):
            return "the box \(box) rounds to \(rounded) (Pillow's crop), an empty crop of the \(image.width)x\(image.height) image: nothing for the colour classifier to look at"
        case let .maskSize(expected, found, image):
            return "the mask has \(found) values, expected \(expected) (one per pixel of the \(image.width)x\(image.height) image)"
        }
    }
}
