import CJSONC
import Foundation

/// Parses JSON with json-c (fast on multi-megabyte files such as tokenizer.json), strictly: trailing
/// characters, invalid UTF-8 and non-standard syntax are errors that give the file, line and column.
public enum JSONReader {
    public static func parse(file path: String) throws -> JSONDocument {
        guard let data = FileContents.read(path) else {
            throw JSONError.cannotRead(file: path, reason: FileProblem.readReason(path))
        }
        return try parse(data, file: path)
    }

    public static func parse(_ data: Data, file: String) throws -> JSONDocument {
        try data.withUnsafeBytes { raw in
            try parse(UnsafeRawBufferPointer(raw), file: file)
        }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> JSONDocument {
        let count = bytes.count
        guard count < Int(Int32.max) else {
            throw JSONError.cannotRead(file: file, reason: "\(count) bytes is more than json-c reads at once (2 GiB)")
        }
        guard let tok = json_tokener_new_ex(Int32(1000)) else { throw JSONError.cannotRead(file: file, reason: "out of memory") }
        defer { json_tokener_free(tok) }
        json_tokener_set_flags(tok, Int32(JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8))
        let text = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        var empty: CChar = 0
        let object = json_tokener_parse_ex(tok, text ?? withUnsafePointer(to: &empty) { $0 }, Int32(count))
        let status = json_tokener_get_error(tok)
        if object == nil || status != json_tokener_success {
            if let object { json_object_put(object) }
            let incomplete = status == json_tokener_continue
            let at = incomplete ? count : min(count, Int(json_tokener_get_parse_end(tok)))
            let message = incomplete ? "unexpected end of input" : String(cString: json_tokener_error_desc(status))
            let (line, column) = position(bytes, at)
            throw JSONError.syntax(file: file, line: line, column: column, message: message)
        }
        defer { json_object_put(object) }
        // Anything but whitespace after the value is an error.
        var rest = min(count, Int(json_tokener_get_parse_end(tok)))
        while rest < count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[rest]) { rest += 1 }
        if rest < count {
            let (line, column) = position(bytes, rest)
            throw JSONError.syntax(file: file, line: line, column: column, message: "unexpected characters after the JSON value")
        }
        return JSONDocument(file: file, root: convert(object))
    }

    /// 1-based line and column of byte `offset`.
    static func position(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> (Int, Int) {
        var line = 1, column = 1
        for i in 0..<min(offset, bytes.count) {
            if bytes[i] == 0x0A { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    static func convert(_ object: OpaquePointer?) -> JSONValue {
        guard let object else { return .null }
        switch json_object_get_type(object) {
        case json_type_null: return .null
        case json_type_boolean: return .bool(json_object_get_boolean(object) != 0)
        case json_type_int: return .int(json_object_get_int64(object))
        case json_type_double: return .double(json_object_get_double(object))
        case json_type_string:
            let length = Int(json_object_get_string_len(object))
            let pointer = json_object_get_string(object)!
            let buffer = UnsafeRawBufferPointer(start: pointer, count: length)
            return .string(String(decoding: buffer, as: UTF8.self))
        case json_type_array:
            let n = json_object_array_length(object)
            var items: [JSONValue] = []
            items.reserveCapacity(n)
            for i in 0..<n { items.append(convert(json_object_array_get_idx(object, i))) }
            return .array(items)
        case json_type_object:
            var result = JSONObject()
            var it = json_object_iter_begin(object)
            var end = json_object_iter_end(object)
            while json_object_iter_equal(&it, &end) == 0 {
                let name = String(cString: json_object_iter_peek_name(&it))
                result[name] = convert(json_object_iter_peek_value(&it))
                json_object_iter_next(&it)
            }
            return .object(result)
        default:
            return .null
        }
    }
}
