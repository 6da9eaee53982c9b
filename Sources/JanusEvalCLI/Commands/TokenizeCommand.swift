import ArgumentParser
import Formats
import Foundation
import Models

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize a JSON array of strings read from stdin with a tokenizer.json.",
        discussion: """
            Prints one JSON array of id arrays. With --decode, reads a JSON array of id arrays and prints the texts.

            Examples:
              echo '["Hello, how are you?"]' | janus-eval tokenize --tokenizer tokenizer.json --bos
              echo '[[17464, 11]]' | janus-eval tokenize --tokenizer tokenizer.json --decode
            """)

    @Option(help: "A Hugging Face tokenizer.json (byte-level BPE).")
    var tokenizer: String

    @Flag(help: "Prepend the beginning-of-sentence token, as the post-processor does.")
    var bos = false

    @Flag(help: "Decode arrays of ids instead (special tokens skipped).")
    var decode = false

    func run() throws {
        do {
            let model = try BPETokenizer(file: tokenizer)
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let items = try JSONReader.parse(input, file: "<stdin>").cursor.asArray()
            if decode {
                let texts = try items.enumerated().map { index, item in
                    let ids = try item.asArray().map { try $0.asInt() }
                    try model.checkKnown(ids, position: "<stdin>[\(index)]")
                    return JSONValue.string(model.decode(ids))
                }
                print(JSONWriter().string(.array(texts)))
            } else {
                let ids = try items.map { item in JSONValue.array(model.encode(try item.asString(), addBOS: bos).map { .int(Int64($0)) }) }
                print(JSONWriter().string(.array(ids)))
            }
        } catch {
            FileStandardError.write("janus-eval tokenize: \(error)\n")
            throw ExitCode(1)
        }
    }
}
