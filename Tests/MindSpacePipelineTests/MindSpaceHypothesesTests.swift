import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceSynthetic
@testable import MindSpaceDimension
@testable import MindSpaceSimilarity
import MindSpaceTestSupport

/// The two pictures of mind space (`MindSpaceHypothesis`) at their default sizes: each group has
/// its true intrinsic dimension, and the group measures tell the pictures apart.
@Suite struct MindSpaceHypothesesTests {
    /// Both samples with the model's defaults (N = 2500, D = 64, d = 5, 40% humans).
    static func samples() throws -> (manifold: MindSpaceModel.Sample, sphere: MindSpaceModel.Sample) {
        let model = MindSpaceModel()
        return (try model.sample(n: 2500, seed: 0), try SphereHypothesisModel(matching: model).sample(n: 2500, seed: 0))
    }

    static func rows(_ sample: MindSpaceModel.Sample, _ group: String) -> [Int] {
        sample.groups.indices.filter { sample.groups[$0] == group }
    }

    @Test func sphereModelHasTheManifoldModelsSizesAndItsOwnDimensions() throws {
        let (manifold, sphere) = try Self.samples()
        #expect(sphere.points.rows == manifold.points.rows && sphere.points.columns == manifold.points.columns)
        #expect(Self.rows(sphere, "humans") == Self.rows(manifold, "humans"))
        let truth = SphereHypothesisModel().trueDimensions
        #expect(truth == ["humans": 5, "AIs": 64, "union": 64])
        #expect(MindSpaceModel().trueDimensions == ["humans": 5, "AIs": 5, "union": 5])
        // AIs fill the ball of radius 3; humans sit near 0.8·3 from the centre, tightly.
        let humans = Self.rows(sphere, "humans")
        let norms = humans.map { i in sphere.points.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot() }
        #expect(norms.allSatisfy { abs($0 - 2.4) < 1.2 })
        #expect(try SphereHypothesisModel().sample(n: 300, seed: 4) == SphereHypothesisModel().sample(n: 300, seed: 4))
    }

    /// `auto`'s interval holds each group's true dimension on both pictures (measured, seed 0:
    /// manifold humans 5.27 [4.72, 6.01], AIs 5.08 [4.44, 5.42]; sphere humans 5.16 [4.56, 5.88],
    /// AIs 62.3 [55.9, 64]). The union of the manifold model's close manifolds reads a little
    /// high (5.5); the sphere union mixes a 5- and a 64-dimensional part, which a local
    /// estimator averages, so only its parts are checked.
    @Test func autoRecoversEachGroupsTrueDimension() throws {
        let (manifold, sphere) = try Self.samples()
        let auto = try #require(try EstimatorCatalog.estimators(named: ["auto"], k: nil).first)
        for (sample, truth) in [(manifold, MindSpaceModel().trueDimensions), (sphere, SphereHypothesisModel().trueDimensions)] {
            for group in ["humans", "AIs"] {
                let estimate = try auto.estimate(sample.points.selectingRows(Self.rows(sample, group)), options: EstimationOptions())
                let d = Double(truth[group] ?? 0)
                #expect(estimate.ci.low <= d && d <= estimate.ci.high, "\(group): \(estimate.dimension) \(estimate.ci)")
            }
        }
        let union = try auto.estimate(manifold.points, options: EstimationOptions())
        #expect(abs(union.dimension - 5) < 1, "\(union.dimension)")
    }

    /// Mixing and within-share are high for the manifold model (AIs among the humans) and low
    /// for the sphere model (humans in a corner): measured, seed 0, mixing ratio 0.68 vs 0.10,
    /// within-share 0.47 vs 0.00, classifier accuracy 0.75 vs 0.95.
    @Test func groupMeasuresSeparateTheHypotheses() throws {
        let (manifold, sphere) = try Self.samples()
        let settings = GroupSeparation.Settings(k: 10, permutations: 99)
        func measure(_ sample: MindSpaceModel.Sample) throws -> GroupSeparation {
            try GroupSeparation(points: sample.points, first: Self.rows(sample, "humans"), second: Self.rows(sample, "AIs"),
                                settings: settings)
        }
        let onManifold = try measure(manifold), onSphere = try measure(sphere)
        #expect(onManifold.mixing.ratio > 0.5 && onSphere.mixing.ratio < 0.2,
                "\(onManifold.mixing.ratio) vs \(onSphere.mixing.ratio)")
        #expect(onManifold.within.share.value > 0.3 && onSphere.within.share.value < 0.05,
                "\(onManifold.within.share.value) vs \(onSphere.within.share.value)")
        #expect(onManifold.mixing.mixing.ci[0] > onSphere.mixing.mixing.ci[1])
        #expect(onSphere.classifier.accuracy.value > onManifold.classifier.accuracy.value)
    }

    @Test func generateWritesEitherPictureAndRefusesMisplacedOptions() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandRunner.run(["generate", "mindspace", "--hypothesis", "sphere", "--n", "300", "--json",
                                            "--quiet", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json)
        #expect(json["hypothesis"] as? String == "sphere" && json["true_id"] as? Int == 64)
        #expect(json["group_true_id"] as? [String: Int] == ["humans": 5, "AIs": 64])
        #expect(json["group_sizes"] as? [String: Int] == ["humans": 120, "AIs": 180])
        #expect((json["path"] as? String)?.hasSuffix("mindspace-sphere.npy") == true)
        #expect((json["groups"] as? String)?.hasSuffix("mindspace-sphere-groups.tsv") == true)
        for arguments in [["generate", "ball", "--dimension", "3", "--hypothesis", "sphere"],
                          ["generate", "mindspace", "--hypothesis", "sphere", "--runs", "2"],
                          ["generate", "mindspace", "--hypothesis", "cube"]] {
            let out = folder.appendingPathComponent("refused")
            let refused = try CommandRunner.run(arguments + ["--out", out.path])
            #expect(refused.status == 64 && refused.stderr.contains("--"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }
}
