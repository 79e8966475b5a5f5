import MindSpaceCore
import MindSpaceDimension
import MindSpaceCheckpoints

/// A weight set: one checkpoint per training run (by default each run's final weights), each one
/// point of the same p-dimensional parameter space, analysed from one `StreamedGram`: the PCA of
/// the runs (where the runs differ), all pairwise distances, and the intrinsic dimension where
/// the number of points supports an estimate.
///
/// PCA: `GramPCA` with `SignConvention.largestEntryPositive` (the runs have no order, so
/// each component's largest-magnitude coordinate is positive). Distances: ‖xᵢ − xⱼ‖ from the
/// centred Gram matrix (`StreamedGram.distances`).
///
/// Intrinsic dimension: the estimators take points as a matrix, and p (millions of parameters)
/// is too many to hold for n points. They need only distances between points, and the
/// coordinates of the n points on all r = min(n − 1, p) principal components (n × r, from the
/// Gram eigen-decomposition) preserve every pairwise distance exactly (the centred points lie in
/// an r-dimensional subspace, and the components are an orthonormal basis of it). So the
/// estimators run on those coordinates and give what they would give on the full weights (up to
/// round-off of order ε·‖x‖). Each estimator runs only with at least `minimumPoints[name]`
/// points; with fewer the report says why, in one line, instead of a meaningless number:
/// - `twonn`, `twonn-mle`: 20 points. TwoNN fits one ratio per point (10 % discarded by the
///   least-squares fit); below 20 points the fit rests on a handful of ratios.
/// - `mle`: 40 points, twice its default k = 20 neighbours, so that neighbourhoods are local
///   rather than the whole set.
/// These minimums are this project's choice (documented, not a theorem); an estimator that still
/// fails (duplicate runs, say) is listed in `skipped` with its own reason.
public struct WeightSetResult: Sendable {
    /// Estimators tried on a weight set, by `EstimatorCatalog` name, with the fewest points each needs.
    public static let minimumPoints: [(estimator: String, points: Int)] = [("twonn", 20), ("twonn-mle", 20), ("mle", 40)]

    /// One run's name for each point (the run folders' names), in order.
    public let names: [String]
    /// The checkpoint chosen from each run.
    public let checkpoints: [String]
    /// p, the number of selected parameters.
    public let parameterCount: Int
    /// The PCA of the runs' weights.
    public let pca: GramPCA
    /// n × n Euclidean distances between the runs' weights.
    public let distances: Matrix<Double>
    /// ‖xᵢ‖ of each run's selected parameters.
    public let norms: [Double]
    /// The estimates that could be made (none for fewer than 20 runs).
    public let estimates: [DimensionEstimate]
    /// Estimators not run or failed, each with a one-line reason.
    public let skipped: [IDReport.Skipped]
    /// The pass result (Gram matrix, data hashes).
    public let gram: StreamedGram

    /// Analyses `gram`, a pass over the set of chosen checkpoints (`names[i]` the run of row i).
    /// `options` go to the estimators (seed, duplicates). Throws `.malformedData` when n < 2.
    public init(gram: StreamedGram, names: [String], checkpoints: [String],
                options: EstimationOptions = EstimationOptions()) throws {
        precondition(names.count == gram.checkpointCount && checkpoints.count == gram.checkpointCount)
        self.names = names
        self.checkpoints = checkpoints
        parameterCount = gram.parameterCount
        pca = try GramPCA(centredGram: gram.centredGram, parameterCount: gram.parameterCount,
                          signs: .largestEntryPositive)
        distances = gram.distances
        norms = gram.norms
        self.gram = gram
        let n = gram.checkpointCount
        var estimates: [DimensionEstimate] = []
        var skipped: [IDReport.Skipped] = []
        let coordinates = pca.coordinates
        for (name, minimum) in Self.minimumPoints {
            guard n >= minimum else {
                skipped.append(IDReport.Skipped(estimator: name,
                    reason: "\(n) runs: too few points for an intrinsic-dimension estimate (\(name) needs at least \(minimum))"))
                continue
            }
            do {
                guard let estimator = try EstimatorCatalog.estimators(named: [name], k: nil).first else { continue }
                estimates.append(try estimator.estimate(coordinates, options: options))
            } catch let error as MindSpaceError {
                skipped.append(IDReport.Skipped(estimator: name, reason: error.reason))
            }
        }
        self.estimates = estimates
        self.skipped = skipped
    }

    /// One line on the intrinsic dimension: the estimates, or why there are none.
    public var dimensionSummary: String {
        if !estimates.isEmpty {
            return estimates.map { estimate in
                "\(estimate.estimator) \(TextTable.number(estimate.dimension)) [\(TextTable.number(estimate.ci.low)), \(TextTable.number(estimate.ci.high))]"
            }.joined(separator: "; ")
        }
        let n = gram.checkpointCount
        let needs = Self.minimumPoints.map { "\($0.estimator) needs ≥ \($0.points)" }.joined(separator: ", ")
        if skipped.allSatisfy({ $0.reason.contains("too few points") }) {
            return "\(n) runs: too few points for an intrinsic-dimension estimate (\(needs))"
        }
        return "no intrinsic-dimension estimate: " + skipped.map { "\($0.estimator): \($0.reason)" }.joined(separator: "; ")
    }

    /// The group of a run name, for colours: the name without a trailing seed
    /// (`subset0-seed2` → `subset0`, `lr3e-4_seed_1` → `lr3e-4`); the whole name when it has none.
    public static func group(ofRun name: String) -> String {
        let lower = name.lowercased()
        for separator in ["-seed", "_seed", ".seed", " seed"] {
            if let range = lower.range(of: separator, options: .backwards) {
                let tail = lower[range.upperBound...].drop(while: { $0 == "_" || $0 == "-" || $0 == "=" })
                if !tail.isEmpty, tail.allSatisfy(\.isNumber), range.lowerBound > lower.startIndex {
                    return String(name[..<name.index(name.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: range.lowerBound))])
                }
            }
        }
        return name
    }
}
