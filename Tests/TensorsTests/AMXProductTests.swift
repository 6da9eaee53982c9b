import Foundation
import Testing
import Tensors
import TestSupport

/// The AMX bf16 tile product against a Double product of the rounded inputs, with AMX on and off (the AVX-512
/// paths it replaces), tails in N (515 = 16·32 + 3) and M (17, 48), and K in whole tiles (64, 2048). On a CPU
/// without AMX both runs take the other paths, and the test says so.
@Suite struct AMXProductTests {
    @Test(arguments: [2, 8, 17, 48, 100], [64, 2048])
    func amxEqualsTheProductOfRoundedInputs(rows: Int, k: Int) {
        var rng = TestRandom(seed: 33)
        let n = 515
        let x = rng.floats(rows * k).map { $0 * 3 }
        let w = Tensor.make(rng.floats(n * k), shape: [n, k], dtype: .bf16), bias = rng.floats(n)
        let rounded = x.map { Float(bitPattern: UInt32(HalfPrecision.bf16Bits(from: $0)) << 16) }
        let wf = w.toFloats()
        var want = [Float](repeating: 0, count: rows * n)
        for i in 0..<rows { for j in 0..<n {
            var s = Double(bias[j])
            for t in 0..<k { s += Double(rounded[i * k + t]) * Double(wf[j * k + t]) }
            want[i * n + j] = Float(s)
        } }
        let xt = Tensor(shape: [rows, k], floats: x), bt = Tensor(shape: [n], floats: bias)
        for amx in [true, false] {
            KernelDispatch.withAMX(amx) {
                let path = amx && KernelDispatch.amxActive && rows >= Linear.amxMinRows ? "AMX tiles" : "no AMX (\(KernelDispatch.levelName))"
                let got = Linear.apply(xt, weight: w, bias: bt, activations: .bf16).toFloats()
                let e = NumericComparison.nmse(got, want)
                print("bf16 product \(rows)×\(k)·\(n), \(path): NMSE \(e)")
                #expect(e <= 1e-12, "\(path): \(NumericComparison.describeDivergence(got, want))")
                let before = Parallel.threadCount
                Parallel.setThreadCount(1)
                let one = Linear.apply(xt, weight: w, bias: bt, activations: .bf16).toFloats()
                Parallel.setThreadCount(2)
                let two = Linear.apply(xt, weight: w, bias: bt, activations: .bf16).toFloats()
                Parallel.setThreadCount(before)
                #expect(one == two && one == got, "\(path): depends on the thread count")
            }
        }
    }

    @Test func amxIsDetectedAsTheCPUSays() {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpuHas = flags.contains(" amx_bf16") && flags.contains(" amx_tile")
        print("AMX: CPU flags \(cpuHas ? "present" : "absent"); usable by this process: \(KernelDispatch.hasAMX)")
        if !cpuHas { #expect(!KernelDispatch.hasAMX) }
        if cpuHas { #expect(KernelDispatch.hasAMX, "the CPU has AMX but the kernel refused the tile state") }
    }
}
