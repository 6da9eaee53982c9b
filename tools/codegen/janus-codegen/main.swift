// janus-codegen NAME [OUTPUT]: writes a generated C source (see tools/codegen/README.md) to OUTPUT, or to standard
// output without one. From the package root: swift run janus-codegen gemv_bf16 Sources/CKernels/gemv_bf16.c
import Foundation
import KernelCodegen

let arguments = Array(CommandLine.arguments.dropFirst())
let names = KernelCodegen.files.map(\.name).joined(separator: ", ")

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let usage = """
    usage: janus-codegen NAME [OUTPUT]
      writes the generated file NAME (\(names)) to OUTPUT, or to standard output;
      from the package root: swift run janus-codegen gemv_bf16 Sources/CKernels/gemv_bf16.c
    """
guard (1...2).contains(arguments.count) else { fail(usage) }
guard let file = KernelCodegen.file(named: arguments[0]) else {
    fail("janus-codegen: no generated file named '\(arguments[0])'\n" + usage)
}
let text = file.generate()
if arguments.count == 2 {
    do {
        try text.write(toFile: arguments[1], atomically: true, encoding: .utf8)
    } catch {
        fail("janus-codegen: cannot write \(arguments[1]): \(error)")
    }
} else {
    FileHandle.standardOutput.write(Data(text.utf8))
}
