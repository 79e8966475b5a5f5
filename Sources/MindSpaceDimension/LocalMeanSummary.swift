import MindSpaceCore

/// The mean of per-point (local) estimates with a seeded percentile bootstrap over points,
/// as scikit-dimension pools local estimators by default (`comb="mean"`).
enum LocalMeanSummary {
    /// The estimate from `local` (one value per point; NaN marks an undefined local value, left
    /// out of the mean and reported NaN in `pointwise`).
    /// - Throws: `.malformedData` when fewer than two local values are finite.
    static func estimate(estimator name: String, local: [Double], parameters: [String: ParameterValue],
                         options: EstimationOptions, diagnostics extra: [String: ParameterValue] = [:],
                         notes extraNotes: [String] = [], undefinedReason: String) throws -> DimensionEstimate {
        let pointwise = local.map { $0.isFinite ? $0 : .nan }
        let finite = pointwise.filter { !$0.isNaN }
        guard finite.count >= 2 else {
            throw MindSpaceError(.malformedData,
                                 "\(name): too few points with a defined local estimate: \(finite.count) of \(local.count) (\(undefinedReason))")
        }
        let dimension = finite.reduce(0, +) / Double(finite.count)
        var diagnostics = extra
        diagnostics["points_used"] = .int(finite.count)
        var notes = extraNotes
        let undefined = local.count - finite.count
        if undefined > 0 {
            diagnostics["undefined_local_estimates"] = .int(undefined)
            notes.append("\(undefined) points left out of the mean: their local estimate is undefined (\(undefinedReason))")
        }
        let interval = options.percentileBootstrapInterval(
            estimator: name, around: dimension, itemCount: finite.count,
            description: "percentile bootstrap over points of the mean of local estimates",
            diagnostics: &diagnostics) { counts in
                var total = 0.0
                for index in 0..<finite.count where counts[index] > 0 { total += Double(counts[index]) * finite[index] }
                return total / Double(finite.count)
            }
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: pointwise,
                                 parameters: parameters, diagnostics: diagnostics, notes: notes)
    }
}
