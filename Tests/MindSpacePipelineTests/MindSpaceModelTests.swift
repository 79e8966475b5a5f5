import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceSynthetic
@testable import MindSpaceDimension
@testable import MindSpaceProjection
import MindSpaceTestSupport

@Suite struct MindSpaceModelTests {
    /// The model's minds lie on d-dimensional manifolds, so the pipeline must find d. TwoNN on
    /// N = 2500 reads a uniform d-cube a little low but this union of close manifolds a little
    /// high (measured +6% at d = 5, seed 0); 15% bounds both with room, while d ± 1 would fail.
    @Test(arguments: [3, 5])
    func intrinsicDimensionIsTheLatentDimension(d: Int) throws {
        var model = MindSpaceModel()
        model.latentDimension = d
        let sample = try model.sample(n: 2500, seed: 1)
        #expect(sample.points.rows == 2500 && sample.points.columns == 64)
        let estimate = try TwoNNEstimator(fit: .maximumLikelihood).estimate(sample.points, options: EstimationOptions())
        #expect(abs(estimate.dimension - Double(d)) / Double(d) < 0.15, "\(estimate.dimension)")
        // The null model of the same minds fills far more dimensions.
        var generator = SeededGenerator(seed: 2)
        let null = NullModel.permutedColumns.sample(like: sample.points, generator: &generator)
        let nullEstimate = try TwoNNEstimator(fit: .maximumLikelihood).estimate(null, options: EstimationOptions())
        #expect(nullEstimate.dimension > 3 * Double(d), "\(nullEstimate.dimension)")
    }

    @Test func groupsProcessesAndRunsAreRecorded() throws {
        var model = MindSpaceModel()
        model.aiProcesses = 3
        model.runsPerProcess = 2
        let sample = try model.sample(n: 1000, seed: 3)
        #expect(sample.groups.filter { $0 == "humans" }.count == 400)
        #expect(sample.groups.filter { $0 == "AIs" }.count == 600)
        #expect(Set(sample.processes) == ["human", "ai-1", "ai-2", "ai-3"])
        #expect(Set(sample.runs).isSubset(of: [0, 1]))
        for (group, process) in zip(sample.groups, sample.processes) {
            #expect((group == "humans") == (process == "human"))
        }
    }

    @Test func deterministicAndValidated() throws {
        let model = MindSpaceModel()
        #expect(try model.sample(n: 200, seed: 5) == model.sample(n: 200, seed: 5))
        #expect(try model.sample(n: 200, seed: 5).points != model.sample(n: 200, seed: 6).points)
        var bad = MindSpaceModel()
        bad.humanFraction = 1
        #expect(throws: MindSpaceError.self) { try bad.sample(n: 100, seed: 0) }
        bad = MindSpaceModel()
        bad.ambientDimension = 2
        #expect(throws: MindSpaceError.self) { try bad.sample(n: 100, seed: 0) }
    }

    @Test func generateCommandWritesPointsGroupsAndReport() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["generate", "mindspace", "--n", "300", "--dimension", "4", "--ambient", "32",
                                            "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect(json["true_id"] as? Int == 4 && json["d"] as? Int == 32 && json["illustrative"] as? Bool == true)
        let groups = try String(contentsOfFile: try #require(json["groups"] as? String), encoding: .utf8)
        let lines = groups.split(separator: "\n")
        #expect(lines.count == 301 && lines[0] == "group\tprocess\trun")
        let labels = try GroupLabelsReader.read(path: try #require(json["groups"] as? String))
        #expect(labels.count == 300 && Set(labels) == ["humans", "AIs"])
    }
}
