import Foundation

/// One reader under fuzzing: a name (`tools/fuzz run NAME`), where its seeds come from, and the body that feeds it
/// one input. The body may throw (a refused input is the expected outcome); it must never crash, hang, leak or
/// allocate without bound — libFuzzer with AddressSanitizer (and LeakSanitizer) reports any of those.
public struct FuzzTarget: Sendable {
    public let name: String
    public let summary: String
    /// Seed files or folders, relative to the repository root (`Tests/Fixtures/**`, `suites/demo/**`); a folder
    /// contributes the files in it (not recursively) whose names end in one of `seedExtensions`.
    public let seeds: [String]
    public let seedExtensions: [String]
    /// libFuzzer's `-max_len` for this target: longer seeds are cut to it. Small inputs keep text readers near
    /// 10^4 executions a second (a JSON-lines seed of 50 KB costs a hundred times one of 500 bytes).
    public let maxLength: Int
    let body: @Sendable (Data) throws -> Void

    init(_ name: String, _ summary: String, seeds: [String], extensions: [String] = [""], maxLength: Int = 4096,
         body: @escaping @Sendable (Data) throws -> Void) {
        self.maxLength = maxLength
        self.name = name
        self.summary = summary
        self.seeds = seeds
        self.seedExtensions = extensions
        self.body = body
    }

    /// Feeds one input; the reader's error, if any, is returned (for the replay tests), never rethrown.
    @discardableResult
    public func run(_ data: Data) -> Error? {
        do { try body(data); return nil } catch { return error }
    }

    /// The seed files under `root` (the repository), sorted.
    public func seedFiles(root: String) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        for seed in seeds {
            let path = root + "/" + seed
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if !isFolder.boolValue { out.append(path); continue }
            for name in ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
            where seedExtensions.contains(where: { $0.isEmpty || name.hasSuffix($0) }) {
                var sub: ObjCBool = false
                if fm.fileExists(atPath: path + "/" + name, isDirectory: &sub), !sub.boolValue { out.append(path + "/" + name) }
            }
        }
        return out
    }
}
