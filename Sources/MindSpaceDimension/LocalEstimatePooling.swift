import MindSpaceCore

/// How per-point (local) intrinsic-dimension estimates are combined into one global estimate,
/// as scikit-dimension's `LocalEstimator.fit(comb=)` does (MOM, TLE, MADA).
public enum LocalEstimatePooling: String, Sendable, Codable {
    /// The arithmetic mean of the local estimates (scikit-dimension's default, `comb="mean"`).
    case mean
    /// Their median (`comb="median"`): the average of the two middle values for an even count,
    /// as NumPy's `median`. Robust to a few wild local values.
    case median
}

/// Shared tail of the local estimators: pool the local values, bootstrap the pooled value, and
/// assemble the `DimensionEstimate`.
enum LocalEstimateSummary {
    /// The estimate from per-point values `local` (one per searched point; NaN or ±∞ marks a
    /// point whose local estimate is undefined, which is left out of the pool and reported as
    /// NaN in `pointwise`).
    ///
    /// The interval is a seeded percentile bootstrap over the usable points of the pooled value
    /// (`Bootstrap`), holding each point's local estimate fixed.
    /// - Throws: `.malformedData` when fewer than two local values are finite or the pooled
    ///   value is not finite.
    static func estimate(estimator name: String, local: [Double], pooling: LocalEstimatePooling,
                         parameters: [String: ParameterValue], options: EstimationOptions,
                         diagnostics extraDiagnostics: [String: ParameterValue] = [:],
                         notes extraNotes: [String] = [], undefinedReason: String) throws -> DimensionEstimate {
        let pointwise = local.map { $0.isFinite ? $0 : .nan }
        let sorted = pointwise.filter { !$0.isNaN }.sorted()
        let undefined = local.count - sorted.count
        guard sorted.count >= 2 else {
            throw MindSpaceError(.malformedData,
                                 "\(name): too few points with a defined local estimate: \(sorted.count) of \(local.count) (\(undefinedReason))")
        }
        let dimension = pooled(sorted, pooling: pooling, counts: nil)
        guard dimension.isFinite else {
            throw MindSpaceError(.malformedData, "\(name): the \(pooling.rawValue) of the local estimates is not finite")
        }
        var diagnostics = extraDiagnostics
        diagnostics["points_used"] = .int(sorted.count)
        var notes = extraNotes
        if undefined > 0 {
            diagnostics["undefined_local_estimates"] = .int(undefined)
            notes.append("\(undefined) points left out of the \(pooling.rawValue): their local estimate is undefined (\(undefinedReason))")
        }
        let interval = options.percentileBootstrapInterval(
            estimator: name, around: dimension, itemCount: sorted.count,
            description: "percentile bootstrap over points of the \(pooling.rawValue) of local estimates",
            diagnostics: &diagnostics) { pooled(sorted, pooling: pooling, counts: $0) }
        return DimensionEstimate(estimator: name, dimension: dimension, ci: interval, pointwise: pointwise,
                                 parameters: parameters, diagnostics: diagnostics, notes: notes)
    }

    /// The mean or median of ascending `sorted`, each value repeated `counts[i]` times when
    /// `counts` is given (a bootstrap resample; Σ counts = count, so the resample stays sorted).
    static func pooled(_ sorted: [Double], pooling: LocalEstimatePooling, counts: UnsafeBufferPointer<Int>?) -> Double {
        let n = sorted.count
        switch pooling {
        case .mean:
            var total = 0.0
            if let counts {
                for index in 0..<n where counts[index] > 0 { total += Double(counts[index]) * sorted[index] }
            } else {
                for value in sorted { total += value }
            }
            return total / Double(n)
        case .median:
            let lowerRank = (n - 1) / 2, upperRank = n / 2
            guard let counts else { return (sorted[lowerRank] + sorted[upperRank]) / 2 }
            var seen = 0
            var lower = Double.nan
            for index in 0..<n {
                seen += counts[index]
                if lower.isNaN && seen > lowerRank { lower = sorted[index] }
                if seen > upperRank { return (lower + sorted[index]) / 2 }
            }
            return .nan
        }
    }
}
