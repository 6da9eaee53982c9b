import Foundation

/// Locates committed fixtures under `Tests/Fixtures/` from any test target, without bundling resources.
public enum FixturePaths {
    /// `Tests/Fixtures` of this checkout.
    public static let root: URL = {
        URL(fileURLWithPath: #filePath)          // Tests/TestSupport/FixturePaths.swift
            .deletingLastPathComponent()          // Tests/TestSupport
            .deletingLastPathComponent()          // Tests
            .appendingPathComponent("Fixtures")
    }()

    /// The repository root (for `suites/`, ...). Tests never read outside it: a fresh clone has nothing beside it.
    public static let repositoryRoot: URL = root.deletingLastPathComponent().deletingLastPathComponent()

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    public static func path(_ relative: String) -> String { url(relative).path }

    /// A fresh temporary directory for a test's own files.
    public static func temporaryDirectory(_ label: String = "janus-eval-test") -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
