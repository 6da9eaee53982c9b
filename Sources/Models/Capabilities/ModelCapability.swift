/// What a command or a suite asks of a model. A family offers some of them; asking for one it lacks is an error
/// naming the family (`ModelError.missingCapability`).
public enum ModelCapability: String, CaseIterable, Sendable {
    /// Image + question → answer text (`VisualQA`).
    case visualQA = "VisualQA"
    /// Prompt → images (`TextToImage`).
    case textToImage = "TextToImage"
    /// Images → feature vectors (`ImageFeatures`: the scorer networks).
    case imageFeatures = "ImageFeatures"
}
