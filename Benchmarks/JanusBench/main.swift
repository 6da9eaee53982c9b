import Foundation
import Tensors

// The OpenBLAS core the CLI runs with (it re-execs off OpenBLAS 0.3.21's Prescott fallback), so timings are the users'.
OpenBLASCoreChoice.reexecIfSlowCore()

// janus-bench [NAME ...] [--json FILE]: runs the named benchmarks (default: all) in release builds.
var names: [String] = []
var jsonPath: String?
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let a = arguments.next() {
    if a == "--json" { jsonPath = arguments.next() } else if a == "-h" || a == "--help" {
        print("usage: janus-bench [all | " + BenchmarkRegistry.all.map(\.name).joined(separator: " | ") + " ...] [--json FILE]")
        for b in BenchmarkRegistry.all { print("  \(b.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(b.summary)") }
        exit(0)
    } else { names.append(a) }
}
if names.isEmpty || names == ["all"] { names = BenchmarkRegistry.all.map(\.name) }
var report = BenchmarkReport()
for name in names {
    guard let benchmark = BenchmarkRegistry.all.first(where: { $0.name == name }) else {
        FileHandle.standardError.write("janus-bench: unknown benchmark '\(name)'\n".data(using: .utf8)!)
        exit(2)
    }
    print("== \(benchmark.name): \(benchmark.summary)")
    benchmark.run(&report)
}
if let jsonPath {
    let data = try JSONSerialization.data(withJSONObject: report.rows, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: jsonPath))
}
