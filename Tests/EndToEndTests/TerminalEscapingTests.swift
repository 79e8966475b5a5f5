import Foundation
import Testing
import MindSpaceCore
import MindSpaceIO
import MindSpaceTestSupport

/// Text from inside an input file reaches the terminal escaped (issue 17, part 3; shared/cli.md,
/// "Exit codes"): the built binary's messages hold no raw control byte, show invalid UTF-8 as
/// `\xNN`, and cut long values.
@Suite struct TerminalEscapingTests {
    /// Every byte of `text` a terminal acts on, except a final newline (and, for output of
    /// several lines, every newline): C0 controls, DEL, and C1 controls (as the scalars
    /// U+0080–U+009F).
    static func rawControls(_ text: String, lines: Bool = false) -> [UInt32] {
        var scalars = Array(text.unicodeScalars.map(\.value))
        if scalars.last == 0x0A { scalars.removeLast() }
        return scalars.filter { ($0 < 0x20 && !(lines && $0 == 0x0A)) || (0x7F...0x9F).contains($0) }
    }

    private func write(_ bytes: [UInt8], named name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test func csvCellWithAnOSCTitleSequenceIsEscaped() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // ESC ] 0 ; title BEL: "set the window title" in xterm and most terminals.
        let csv = try write(Array("1,2\n3,\u{1B}]0;pwned\u{07}\n".utf8), named: "cells.csv", in: folder)
        let out = ["--out", folder.appendingPathComponent("out").path]
        for arguments in [["pca", csv] + out, ["id", csv] + out, ["inspect", "--stats", csv], ["pca", csv, "--json"] + out] {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasSuffix("\n"))
            #expect(Self.rawControls(result.stderr).isEmpty, "\(arguments): \(result.stderr.debugDescription)")
            #expect(Self.rawControls(result.stdout, lines: true).isEmpty, "\(arguments): \(result.stdout.debugDescription)")
            #expect(result.stderr.contains("\\x1B]0;pwned\\x07"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test func csvHeaderAndGroupLabelsWithControlsAreEscaped() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = (0..<40).map { "\(Double($0) * 0.1),\(Double($0 % 7)),\(Double($0 % 3))" }
        let csv = try write(Array(("x,y,z\n" + rows.joined(separator: "\n") + "\n").utf8), named: "points.csv", in: folder)
        let labelText = (0..<40).map { $0 < 20 ? "a\u{1B}[2J" : "b\u{9B}31m" }.joined(separator: "\n") + "\n"
        let labels = try write(Array(labelText.utf8), named: "labels.tsv", in: folder)
        let missing = try CommandRunner.run(["groups", csv, "--groups", labels, "--pair", "zz,yy",
                                             "--out", folder.appendingPathComponent("o").path])
        #expect(missing.status == 64 || missing.status == 65, "\(missing.stderr)")
        #expect(Self.rawControls(missing.stderr).isEmpty, "\(missing.stderr.debugDescription)")
        #expect(missing.stderr.contains("'b\\x9B31m'"), "\(missing.stderr)")
        let result = try CommandRunner.run(["groups", csv, "--groups", labels, "--k", "3",
                                            "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.rawControls(result.stdout, lines: true).isEmpty, "\(result.stdout.debugDescription)")
        #expect(Self.rawControls(result.stderr).isEmpty, "\(result.stderr.debugDescription)")
        #expect(result.stdout.contains("a\\x1B[2J"), "\(result.stdout)")
    }

    @Test func zipMemberNamesWithControlsAndInvalidUTF8AreEscaped() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = NpyWriter.encode(Matrix(rows: 3, columns: 2, storage: [1, 2, 3, 4, 5, 6.0]))
        let evil = Data("w\u{1B}]0;t\u{07}\u{9B}".utf8) + Data([0xFF, 0xC3]) + Data(".npy".utf8)
        // Listed on stdout by inspect.
        let listed = folder.appendingPathComponent("listed.npz")
        try StoredZip.archive([(evil, good)]).write(to: listed)
        let inspect = try CommandRunner.run(["inspect", listed.path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(Self.rawControls(inspect.stdout, lines: true).isEmpty, "\(inspect.stdout.debugDescription)")
        #expect(inspect.stdout.contains("w\\x1B]0;t\\x07\\x9B\\xFF\\xC3"), "\(inspect.stdout)")
        #expect(!inspect.stdout.unicodeScalars.contains("\u{FFFD}"))
        // Named in an error (a member that is not a valid .npy file).
        let broken = folder.appendingPathComponent("broken.npz")
        try StoredZip.archive([(evil, Data("not an array".utf8))]).write(to: broken)
        let failed = try CommandRunner.run(["pca", broken.path, "--out", folder.appendingPathComponent("o").path])
        #expect(failed.status == 65, "\(failed.stderr)")
        #expect(Self.rawControls(failed.stderr).isEmpty, "\(failed.stderr.debugDescription)")
        #expect(failed.stderr.contains("\\xFF\\xC3"), "\(failed.stderr)")
        #expect(!failed.stderr.unicodeScalars.contains("\u{FFFD}"))
    }

    @Test func invalidUTF8InACellIsShownAsHex() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = try write(Array("1,2\n3,".utf8) + [0xFF, 0xFE, 0x78, 0x0A], named: "bytes.csv", in: folder)
        let result = try CommandRunner.run(["pca", csv, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("'\\xFF\\xFEx' is not a number"), "\(result.stderr)")
    }

    @Test func longValuesAreCut() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = try write(Array(("1,2\n3," + String(repeating: "A", count: 5000) + "\n").utf8), named: "long.csv", in: folder)
        let result = try CommandRunner.run(["pca", csv, "--out", folder.appendingPathComponent("o").path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("A…'"), "\(result.stderr)")
        #expect(result.stderr.count < 200, "\(result.stderr)")
    }
}
