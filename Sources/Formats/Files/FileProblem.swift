import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Plain-words reasons why a path cannot be read or written, for error messages that name the path and say what is
/// wrong with it (Foundation's own texts, "The operation could not be completed. The file doesn’t exist.", name
/// neither which part is missing nor what was expected).
public enum FileProblem {
    /// Why `path` (expected to be a readable file) cannot be read.
    public static func readReason(_ path: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            return missingReason(path)
        }
        if isFolder.boolValue { return "is a folder, expected a file" }
        if access(path, R_OK) != 0 { return "permission denied" }
        return "cannot be read"
    }

    /// Why `path` cannot be written (as a file, or created as a folder when `folder` is true).
    public static func writeReason(_ path: String, folder: Bool = false, error: Error? = nil) -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if folder && !isFolder.boolValue { return "exists and is a file, expected a folder" }
            if !folder && isFolder.boolValue { return "is a folder, expected a file" }
            if access(path, W_OK) != 0 { return "permission denied" }
        } else if let ancestor = existingAncestor(of: path) {
            var ancestorIsFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: ancestor, isDirectory: &ancestorIsFolder)
            if !ancestorIsFolder.boolValue { return "\(ancestor) is a file, not a folder" }
            if access(ancestor, W_OK) != 0 { return "\(ancestor) is not writable" }
        }
        if let posix = posixCode(of: error) {
            let text = String(cString: strerror(posix)).lowercased()
            if let failed = (error as NSError?)?.userInfo[NSFilePathErrorKey] as? String, failed != path {
                return "cannot create \(failed): \(text)"
            }
            return text
        }
        return "cannot be written"
    }

    /// "no such file", or which folder on the way is missing.
    static func missingReason(_ path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        guard !parent.isEmpty, parent != path else { return "no such file" }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) {
            return isFolder.boolValue ? "no such file" : "\(parent) is a file, not a folder"
        }
        // Name the first folder on the way that is missing.
        var missing = parent
        while true {
            let up = (missing as NSString).deletingLastPathComponent
            if up.isEmpty || up == missing || FileManager.default.fileExists(atPath: up) { break }
            missing = up
        }
        return "no such file; the folder \(missing) does not exist"
    }

    static func existingAncestor(of path: String) -> String? {
        var current = (path as NSString).deletingLastPathComponent
        while !current.isEmpty {
            if FileManager.default.fileExists(atPath: current) { return current }
            let up = (current as NSString).deletingLastPathComponent
            if up == current { break }
            current = up
        }
        return nil
    }

    static func posixCode(of error: Error?) -> Int32? {
        guard let error else { return nil }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? any Error {
            let inner = underlying as NSError
            if inner.domain == NSPOSIXErrorDomain { return Int32(inner.code) }
        }
        return nil
    }
}
