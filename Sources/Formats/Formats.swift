// Formats layer.
import Tensors
