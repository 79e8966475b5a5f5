import Testing
@testable import MindSpaceCore
@testable import MindSpaceDimension

/// `EstimatorCatalog`: names, `all`, and `--k` or `--pointwise` refused when they fit none of
/// the chosen estimators instead of being ignored (issue 20, item 4).
@Suite struct EstimatorCatalogTests {
    /// The estimators that have a neighbourhood size, as their own types say (each has a `k`).
    static let withNeighbourhoodSize: Set<String> = [
        "mle", "gride", "mom", "tle", "mada", "knn", "lpca-fo", "lpca-ratio", "lpca-pr", "lpca-mp",
        "ess", "mind-mlk", "danco",
    ]

    @Test func entriesSayWhetherTheyTakeK() {
        let takers = Set(EstimatorCatalog.entries.filter(\.takesNeighbourhoodSize).map(\.name))
        #expect(takers == Self.withNeighbourhoodSize)
    }

    @Test(arguments: EstimatorCatalog.entries.map(\.name))
    func kIsRefusedOnlyWhereItDoesNotApply(_ name: String) throws {
        if Self.withNeighbourhoodSize.contains(name) {
            #expect(try EstimatorCatalog.estimators(named: [name], k: 7).count == 1)
        } else {
            do {
                _ = try EstimatorCatalog.estimators(named: [name], k: 7)
                Issue.record("--k accepted for \(name)")
            } catch let error as MindSpaceError {
                #expect(error.kind == .usage)
                #expect(error.description.contains("--k") && error.description.contains("'\(name)'"), "\(error)")
            }
        }
        // Without k every estimator is built.
        #expect(try EstimatorCatalog.estimators(named: [name], k: nil).count == 1)
    }

    @Test func aMixedChoiceAppliesTheOptionsWhereTheyFit() throws {
        let estimators = try EstimatorCatalog.estimators(named: ["twonn", "mle"], k: 5, pointwise: true)
        #expect(estimators.map(\.name) == ["twonn", "mle"])
        #expect((estimators[1] as? MLEEstimator)?.k == 5)
        #expect(throws: MindSpaceError.self) {
            try EstimatorCatalog.estimators(named: ["twonn", "fishers"], k: nil, pointwise: true)
        }
    }

    /// Each entry's `reportsPointwise` against what its estimator returns on 300 points of a
    /// 3-cube in 5 dimensions.
    @Test(arguments: EstimatorCatalog.entries.map(\.name))
    func pointwiseFlagMatchesTheEstimates(_ name: String) throws {
        var generator = SeededGenerator(seed: 11)
        var points = Matrix<Double>(rows: 300, columns: 5)
        for i in 0..<300 { for j in 0..<3 { points[i, j] = generator.nextUnitDouble() } }
        let entry = try #require(EstimatorCatalog.entries.first { $0.name == name })
        let estimate = try entry.make(nil).estimate(points, options: EstimationOptions(intervalMethod: IntervalMethod.none))
        #expect((estimate.pointwise != nil) == entry.reportsPointwise, "\(name)")
    }

    @Test func allAppliesKToTheEstimatorsThatTakeOne() throws {
        let estimators = try EstimatorCatalog.estimators(named: ["all"], k: 7)
        #expect(estimators.count == EstimatorCatalog.entries.count)
        let mle = try #require(estimators.first { $0.name == "mle" } as? MLEEstimator)
        #expect(mle.k == 7)
    }

    @Test func unknownNameListsTheValidOnes() {
        #expect(throws: MindSpaceError.self) { try EstimatorCatalog.estimators(named: ["lpca"], k: nil) }
    }
}
