import Foundation
import Harness
import Testing
import TestSupport

@Suite struct HTMLReportTests {
    @Test func imagePathsThatEscapeTheirFolderAreRefused() throws {
        let dir = FixturePaths.temporaryDirectory("html-paths")
        let images = dir.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images.appendingPathComponent("00000/samples"), withIntermediateDirectories: true)
        try Data([1]).write(to: images.appendingPathComponent("00000/samples/00000.png"))
        try Data([1]).write(to: dir.appendingPathComponent("secret.png"))
        try FileManager.default.createSymbolicLink(at: images.appendingPathComponent("link.png"), withDestinationURL: dir.appendingPathComponent("secret.png"))
        var note = ""
        #expect(HTMLReport.resolve("00000/samples/00000.png", under: [images.path], note: &note) != nil)
        for bad in ["../secret.png", "00000/../../secret.png", dir.appendingPathComponent("secret.png").path, "link.png"] {
            note = ""
            #expect(HTMLReport.resolve(bad, under: [images.path], note: &note) == nil, "\(bad)")
            #expect(note.contains("refused"), "\(bad): \(note)")
        }
    }

    @Test func escapingCoversEveryMarkupCharacter() {
        #expect(HTMLReport.escape(#"<a href="x" onclick='y'>&</a>"#) == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
    }
}
