import Foundation
import FuzzTargets

// Built two ways (tools/fuzz):
// - with `-sanitize=fuzzer[,address] -DJANUS_FUZZ`: libFuzzer's driver runs the target named by
//   $JANUS_FUZZ_TARGET with libFuzzer's own arguments (`janus-fuzz -runs=N corpus/ seeds/`);
// - plainly (the normal build): `janus-fuzz TARGET FILE...` feeds each file once and prints what the reader said
//   (replay without libFuzzer).
// Both answer `janus-fuzz --list` (the targets) and `JANUS_FUZZ_TARGET=T janus-fuzz --seeds ROOT` (its seed files).
// SwiftPM links an executable's entry point as `main`, so libFuzzer is entered through LLVMFuzzerRunDriver
// (libFuzzer's documented entry for programs that own `main`) rather than its own `main`.

#if JANUS_FUZZ
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

nonisolated(unsafe) var selected: FuzzTarget?
#endif

@main struct JanusFuzz {
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count >= 2, arguments[1] == "--list" {
            for t in FuzzTargets.all { print("\(t.name)\t\(t.maxLength)\t\(t.summary)") }
            return
        }
        if arguments.count == 3, arguments[1] == "--seeds" {
            // The seed files of $JANUS_FUZZ_TARGET under the repository root given (tools/fuzz copies them).
            guard let target = ProcessInfo.processInfo.environment["JANUS_FUZZ_TARGET"].flatMap(FuzzTargets.named) else { exit(2) }
            for file in target.seedFiles(root: arguments[2]) { print(file) }
            return
        }
        #if JANUS_FUZZ
        guard let name = ProcessInfo.processInfo.environment["JANUS_FUZZ_TARGET"], let target = FuzzTargets.named(name) else {
            FileHandle.standardError.write(Data("janus-fuzz: set JANUS_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        selected = target
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            selected!.run(size == 0 ? Data() : Data(bytes: data!, count: size))
            return 0
        }
        exit(status)
        #else
        guard arguments.count >= 2, let target = FuzzTargets.named(arguments[1]) else {
            print("usage: janus-fuzz TARGET FILE... | --list   (targets: \(FuzzTargets.all.map(\.name).joined(separator: ", ")))")
            exit(2)
        }
        for file in arguments.dropFirst(2) {
            guard let data = FileManager.default.contents(atPath: file) else { print("\(file): cannot read"); exit(1) }
            let error = target.run(data)
            print("\(file): \(error.map { "refused: \($0)" } ?? "accepted")")
        }
        #endif
    }
}
