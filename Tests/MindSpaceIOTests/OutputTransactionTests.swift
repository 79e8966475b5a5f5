import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `OutputTransaction`'s bookkeeping around the files: temporaries registered for removal on
/// SIGINT/SIGTERM while they exist (the signal itself is tested end to end in
/// `BatchCommandTests`, since the handler ends the process), and the process-wide record of
/// committed and owned outputs. Other tests run transactions in parallel, so every check is
/// about this test's own paths.
@Suite struct OutputTransactionTests {
    private func temporaries(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".partial-") }
    }

    @Test func temporariesAreRegisteredUntilCommittedAndDestinationsRecorded() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("sub/report.json")
        let transaction = OutputTransaction()
        try transaction.stage(Data("{}".utf8), at: destination.path)
        #expect(InterruptCleanup.isInstalled, "the first stage installs the signal handlers")
        let temporary = folder.appendingPathComponent("sub/.report.json.partial-\(getpid())").path
        #expect(InterruptCleanup.registered.contains(temporary))
        #expect(!OutputTransaction.committedPaths.contains(destination.path))
        try transaction.commit()
        #expect(!InterruptCleanup.registered.contains(temporary))
        #expect(OutputTransaction.committedPaths.contains(destination.standardizedFileURL.path))
        #expect(try temporaries(in: folder.appendingPathComponent("sub")).isEmpty)
    }

    @Test func rolledBackTemporariesAreUnregisteredAndNotRecorded() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("scores.npy")
        var temporaryPath: String?
        do {
            let transaction = OutputTransaction()
            try transaction.stageFile(at: destination.path) { temporary in
                temporaryPath = temporary
                try Data([1, 2, 3]).write(to: URL(fileURLWithPath: temporary))
            }
            #expect(InterruptCleanup.registered.contains(try #require(temporaryPath)))
        } // deinit rolls back
        let temporary = try #require(temporaryPath)
        #expect(!InterruptCleanup.registered.contains(temporary))
        #expect(!FileManager.default.fileExists(atPath: temporary))
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(!OutputTransaction.committedPaths.contains(destination.path))
    }

    @Test func ownedPathsAreRecordedAbsoluteStandardisedAndOnce() throws {
        let name = "owned-\(UUID().uuidString).json"
        let relative = "out/./cache/../\(name)"
        OutputTransaction.recordOwned(relative)
        OutputTransaction.recordOwned(relative)
        let expected = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("out").appendingPathComponent(name).standardizedFileURL.path
        #expect(OutputTransaction.committedPaths.filter { $0.hasSuffix(name) } == [expected])
    }

    @Test func exitStatusIs128PlusTheSignal() {
        #expect(InterruptCleanup.exitStatus(for: SIGINT) == 130)
        #expect(InterruptCleanup.exitStatus(for: SIGTERM) == 143)
        #expect(InterruptCleanup.signals == [SIGINT, SIGTERM])
    }
}
