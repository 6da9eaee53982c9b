/// The words GenEval's recipe is built from, in its spelling and order (prompts/object_names.txt: the 80 COCO
/// classes in detector label order, so a class's index is the detector's class index).
public enum GenEvalVocabulary {
    public static let classes = [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
        "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
        "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
        "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "computer mouse", "tv remote",
        "computer keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock",
        "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ]
    public static let colors = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white"]
    public static let positions = ["left of", "right of", "above", "below"]
    public static let numbers = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    public static let tags = ["single_object", "two_object", "counting", "colors", "position", "color_attr"]

    /// "an" before a vowel letter, otherwise "a".
    public static func withArticle(_ name: String) -> String {
        "aeiou".contains(name.first ?? "x") ? "an \(name)" : "a \(name)"
    }

    /// "es" after a final "s", otherwise "s".
    public static func plural(_ name: String) -> String { name.hasSuffix("s") ? name + "es" : name + "s" }
}
