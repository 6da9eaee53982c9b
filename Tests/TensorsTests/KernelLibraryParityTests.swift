import Foundation
import Tensors
import Testing
import TestSupport

/// Kernels against PyTorch and Pillow outputs (tools/reference/make_kernels_fixtures.py).
@Suite struct KernelLibraryParityTests {
    static func load(_ name: String) -> Any {
        let data = try! Data(contentsOf: FixturePaths.url("kernels/\(name).json"))
        return try! JSONSerialization.jsonObject(with: data)
    }
    nonisolated(unsafe) static let ops = load("torch_ops") as! [String: Any]

    static func floats(_ v: Any?) -> [Float] { (v as! [NSNumber]).map { $0.floatValue } }
    static func ints(_ v: Any?) -> [Int] { (v as! [NSNumber]).map { $0.intValue } }

    private func check(_ name: String, _ got: [Float], _ want: [Float], limit: Double = 1e-10) {
        let e = NumericComparison.nmse(got, want)
        print("\(name): NMSE \(e) vs the reference, \(NumericComparison.describeDivergence(got, want))")
        #expect(got.count == want.count && e <= limit, "\(name)")
    }

    @Test func bilinearEqualsTorch() {
        for (i, c) in (Self.load("bilinear") as! [[String: Any]]).enumerated() {
            let shape = Self.ints(c["shape"]), out = Self.ints(c["out"])
            let got = BilinearResize.resize(Tensor(shape: shape, floats: Self.floats(c["input"])), height: out[0], width: out[1])
            let want = Self.floats(c["expected"])
            let (worst, _) = NumericComparison.maxAbsDifference(got.toFloats(), want)
            print("bilinear case \(i) \(shape) → \(out): max |Δ| \(worst)")
            #expect(worst <= 1e-6)
        }
    }

    @Test func bicubicUInt8EqualsPillowExactly() {
        var mismatches = 0, total = 0
        for c in Self.load("bicubic_u8") as! [[String: Any]] {
            let size = Self.ints(c["size"]), out = Self.ints(c["out"])
            let input = Self.ints(c["input"]).map { UInt8($0) }, want = Self.ints(c["expected"]).map { UInt8($0) }
            let got = PillowBicubicResize.resize(uint8: input, width: size[0], height: size[1], channels: 3, toWidth: out[0], toHeight: out[1])
            mismatches += zip(got, want).filter { $0 != $1 }.count
            total += want.count
        }
        print("Pillow bicubic uint8: \(mismatches) of \(total) bytes differ")
        #expect(mismatches == 0)
    }

    @Test func bicubicFloatEqualsPillow() {
        for c in Self.load("bicubic_f") as! [[String: Any]] {
            let size = Self.ints(c["size"]), out = Self.ints(c["out"])
            let got = PillowBicubicResize.resize(float: Self.floats(c["input"]), width: size[0], height: size[1], toWidth: out[0], toHeight: out[1])
            check("Pillow bicubic F \(size) → \(out)", got, Self.floats(c["expected"]), limit: 1e-12)
        }
    }

    @Test func conv2dEqualsTorch() {
        for (i, c) in (Self.ops["conv2d"] as! [[String: Any]]).enumerated() {
            let p = (c["padding"] as! Int)
            var options = Conv2D.Options(stride: c["stride"] as! Int, padding: p, dilation: c["dilation"] as! Int, groups: c["groups"] as! Int)
            options.padding = (p, p, p, p)
            let y = Conv2D.apply(Tensor(shape: Self.ints(c["x_shape"]), floats: Self.floats(c["x"])),
                                 weight: Tensor(shape: Self.ints(c["w_shape"]), floats: Self.floats(c["w"])),
                                 bias: Tensor(shape: [Self.ints(c["w_shape"])[0]], floats: Self.floats(c["b"])), options: options)
            check("conv2d case \(i)", y.toFloats(), Self.floats(c["y"]))
        }
        let c = Self.ops["conv_asymmetric"] as! [String: Any]
        var options = Conv2D.Options(stride: 2)
        options.padding = (0, 1, 0, 1)
        let y = Conv2D.apply(Tensor(shape: Self.ints(c["x_shape"]), floats: Self.floats(c["x"])),
                             weight: Tensor(shape: Self.ints(c["w_shape"]), floats: Self.floats(c["w"])),
                             bias: Tensor(shape: [3], floats: Self.floats(c["b"])), options: options)
        check("conv2d asymmetric pad (VQ downsample)", y.toFloats(), Self.floats(c["y"]))
    }

    @Test func normsEqualTorch() {
        let g = Self.ops["group_norm"] as! [String: Any]
        let gy = Normalization.groupNorm(Tensor(shape: Self.ints(g["shape"]), floats: Self.floats(g["x"])), groups: 32,
                                         weight: Tensor(shape: [64], floats: Self.floats(g["w"])),
                                         bias: Tensor(shape: [64], floats: Self.floats(g["b"])), eps: 1e-6)
        check("group norm", gy.toFloats(), Self.floats(g["y"]))
        let l = Self.ops["layer_norm"] as! [String: Any]
        let ly = Normalization.layerNorm(Tensor(shape: Self.ints(l["shape"]), floats: Self.floats(l["x"])),
                                         weight: Tensor(shape: [48], floats: Self.floats(l["w"])),
                                         bias: Tensor(shape: [48], floats: Self.floats(l["b"])), eps: 1e-6)
        check("layer norm", ly.toFloats(), Self.floats(l["y"]))
        let r = Self.ops["rms_norm"] as! [String: Any]
        let ry = Normalization.rmsNorm(Tensor(shape: Self.ints(r["shape"]), floats: Self.floats(r["x"])),
                                       weight: Tensor(shape: [48], floats: Self.floats(r["w"])), eps: 1e-6)
        check("RMS norm (LlamaRMSNorm)", ry.toFloats(), Self.floats(r["y"]))
    }

    @Test func activationsEqualTorch() {
        for name in ["gelu", "silu"] {
            let c = Self.ops[name] as! [String: Any]
            let x = Tensor(shape: [Self.floats(c["x"]).count], floats: Self.floats(c["x"]))
            check(name, (name == "gelu" ? Activations.gelu(x) : Activations.silu(x)).toFloats(), Self.floats(c["y"]))
        }
        let s = Self.ops["softmax"] as! [String: Any]
        check("softmax", Activations.softmax(Tensor(shape: Self.ints(s["shape"]), floats: Self.floats(s["x"]))).toFloats(), Self.floats(s["y"]))
    }

    @Test func attentionEqualsTorchSDPA() {
        for (i, c) in (Self.ops["sdpa"] as! [[String: Any]]).enumerated() {
            let s = Self.ints(c["shape"])
            let (b, h, sq, sk, d) = (s[0], s[1], s[2], s[3], s[4])
            let mask = (c["key_mask"] as! [[NSNumber]]).map { $0.map { $0.intValue != 0 } }
            let y = Attention.scaledDotProduct(query: Tensor(shape: [b, h, sq, d], floats: Self.floats(c["q"])),
                                               key: Tensor(shape: [b, h, sk, d], floats: Self.floats(c["k"])),
                                               value: Tensor(shape: [b, h, sk, d], floats: Self.floats(c["v"])),
                                               causal: c["causal"] as! Bool, keyMask: mask)
            check("SDPA case \(i) (causal \(c["causal"]!), Sq \(sq), Sk \(sk))", y.toFloats(), Self.floats(c["y"]))
        }
    }

    @Test func ropeEqualsLlama() {
        let c = Self.ops["rope"] as! [String: Any]
        let shape = Self.ints(c["shape"])
        let rope = RotaryEmbedding(headDim: shape[3], theta: 10000)
        for (input, output) in [("q", "rq"), ("k", "rk")] {
            let x = Tensor(shape: shape, floats: Self.floats(c[input]))
            rope.apply(x, positions: Self.ints(c["positions"]))
            check("RoPE \(input)", x.toFloats(), Self.floats(c[output]))
        }
    }

    @Test func pixelShuffleAndNearestEqualTorch() {
        let p = Self.ops["pixel_shuffle"] as! [String: Any]
        #expect(Resampling.pixelShuffle(Tensor(shape: Self.ints(p["shape"]), floats: Self.floats(p["x"])), factor: 2).toFloats() == Self.floats(p["y"]))
        let n = Self.ops["nearest"] as! [String: Any]
        #expect(Resampling.upsampleNearest(Tensor(shape: Self.ints(n["shape"]), floats: Self.floats(n["x"])), factor: 2).toFloats() == Self.floats(n["y"]))
    }
}
