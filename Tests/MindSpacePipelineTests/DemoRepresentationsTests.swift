import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpacePipeline
import MindSpaceTestSupport

/// The demo's hidden-layer activations equal, bit for bit, the ones NumPy computed from the same
/// checkpoints (`datasets/make_digit_representations.py`, shipped in
/// `datasets/digit-representations/`), and its factors table names each run's subset and seed.
@Suite struct DemoRepresentationsTests {
    static let datasets = CommandRunner.packageRoot.appendingPathComponent("datasets")

    @Test func activationsEqualNumPys() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try DemoRepresentations.write(runsFolder: Self.datasets.appendingPathComponent("trajectories/runs"),
                                                    digits: Self.datasets.appendingPathComponent("digits.npy"), into: folder)
        #expect(written.paths.count == 6)
        for path in written.paths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let ours = try AnalysisInput.open(path, arrayName: nil).matrix(as: Float.self)
            let numpy = try AnalysisInput.open(Self.datasets.appendingPathComponent("digit-representations/\(name)").path,
                                               arrayName: nil).matrix(as: Float.self)
            #expect(ours.rows == 1797 && ours.columns == 32)
            #expect(ours == numpy, "\(name) differs from NumPy's")
        }
        let factors = try FactorTable.read(path: try #require(written.factors))
        #expect(factors.factors == ["data", "seed"])
        #expect(factors.levels["subset1-seed2"] == ["subset1", "seed2"])
    }
}
