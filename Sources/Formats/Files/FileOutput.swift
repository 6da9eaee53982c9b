import Foundation

/// A file could not be written: the path and the reason in plain words (see `FileProblem`).
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot write: \(reason)" }
}

/// Writes whole files (atomically: a reader never sees half a file, and a killed run leaves the old one).
public enum FileOutput {
    public static func write(_ data: Data, to path: String) throws {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw FileWriteError(path: path, reason: FileProblem.writeReason(path, error: error))
        }
    }

    public static func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

    /// Creates `path` and its parents as folders.
    public static func makeFolder(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw FileWriteError(path: path, reason: FileProblem.writeReason(path, folder: true, error: error))
        }
    }
}
