import Foundation
import Formats
import FuzzTargets
import Testing
import TestSupport

/// The fuzz targets through the normal test path: every seed and every committed regression input
/// (`Tests/Fixtures/fuzz/regressions/<target>/`, the inputs that once crashed, hung or leaked) is fed to its
/// target and must come back as an accepted value or an error — a crash would end the test process. A regression
/// input `X` may have `X.expected`, a text the reader's error must contain.
@Suite struct FuzzRegressionTests {
    static let root = FixturePaths.repositoryRoot.path
    static let regressions = FixturePaths.path("fuzz/regressions")

    @Test(arguments: FuzzTargets.all.map(\.name))
    func seedsRunThroughTheTarget(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let seeds = target.seedFiles(root: Self.root)
        #expect(!seeds.isEmpty, "\(name) has no seed files in \(target.seeds)")
        for seed in seeds { _ = target.run(try #require(FileContents.read(seed))) }
    }

    @Test func everyRegressionFolderNamesATarget() throws {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: Self.regressions)) ?? []
        for folder in folders where !folder.hasPrefix(".") && !folder.hasSuffix(".md") {
            #expect(FuzzTargets.named(folder) != nil, "Tests/Fixtures/fuzz/regressions/\(folder) is not a fuzz target")
        }
    }

    @Test(arguments: FuzzTargets.all.map(\.name))
    func regressionInputsAreRefusedCleanly(_ name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let folder = Self.regressions + "/" + name
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasSuffix(".expected") }.sorted()
        for file in files {
            // FileContents, not Data(contentsOf:), which leaks 4 KiB per empty file on Linux (the inputs here are).
            let data = try #require(FileContents.read(folder + "/" + file))
            let started = Date()
            let error = target.run(data)
            #expect(Date().timeIntervalSince(started) < 10, "\(name)/\(file) took \(Date().timeIntervalSince(started)) s")
            if let expected = try? String(contentsOfFile: folder + "/" + file + ".expected", encoding: .utf8) {
                let text = error.map { "\($0)" } ?? "accepted"
                let want = expected.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(text.contains(want), "\(name)/\(file): expected '\(want)', got '\(text)'")
            }
        }
    }
}
