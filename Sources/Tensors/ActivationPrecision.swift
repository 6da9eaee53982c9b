/// What a product with bf16 weights does to its activations. `.f32` (the default) multiplies the f32 activations
/// exactly as they are (parity with the reference computed in f32). `.bf16` first rounds them to bf16 (nearest,
/// ties to even), as the official code's bf16 run does, and then uses the CPU's bf16 dot products when it has them
/// (AVX512_BF16: twice the multiply-adds per instruction); products still accumulate in f32. Products with f32 or
/// f16 weights are unaffected.
public enum ActivationPrecision: String, Sendable, CaseIterable {
    case f32, bf16
}
