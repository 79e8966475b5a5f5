import Foundation
import MindSpaceCore

extension AutoEstimator {
    /// What the steps of `AutoEstimator.estimate` found, gathered for the report.
    struct Findings {
        /// D, the columns.
        var columnCount: Int
        /// N′, the rows estimated on (the distinct rows unless duplicates are kept).
        var workingCount: Int
        /// Steps 1–2: the raw statistic per scale and its widened intervals.
        var statistic: RawScaleCurve
        /// The largest candidate dimension, min(D, n − 1) (at least 1).
        var maximumDimension: Int
        /// Step 3: the curve calibrated against the point reference, per scale.
        var curve: [CalibratedValue]
        /// Step 4: the chosen scale and why.
        var choice: ScalePlateau.Choice
        /// Step 5: the readings through each reference geometry at the chosen scale.
        var readings: [GeometryReading]
        /// Reference samples drawn by all calibrations together.
        var calibrationSamples: Int
        /// The reported interval.
        var interval: ConfidenceInterval

        /// The reported dimension: the point reference's calibrated value at the chosen scale.
        var dimension: Double { curve[choice.index].estimate.dimension }
    }

    /// The estimate with every step's numbers in `diagnostics` (`recordDiagnostics`) and, after
    /// the `notes` so far, the notes that say why the number is what it is (`explanationNotes`).
    func reported(_ findings: Findings, options: EstimationOptions, diagnostics: [String: ParameterValue],
                  notes: [String]) -> DimensionEstimate {
        var diagnostics = diagnostics
        var notes = notes
        let dropped = findings.statistic.zeroDistancePoints
        if dropped > 0 {
            diagnostics["zero_distance_points_dropped"] = .int(dropped)
            notes.append("\(dropped) points with a duplicate (first-neighbour distance 0) dropped: "
                         + "their distance ratios are undefined; expect an upward bias")
        }
        Self.recordDiagnostics(findings, in: &diagnostics)
        notes += explanationNotes(findings, options: options)
        return DimensionEstimate(estimator: name, dimension: findings.dimension, ci: findings.interval, pointwise: nil,
                                 parameters: parameters.merging(["duplicates": .string(options.duplicates.rawValue)]) { $1 },
                                 diagnostics: diagnostics, notes: notes)
    }

    /// Every step's numbers: the subsampling, the raw and calibrated values and interval per
    /// scale, the chosen scale and whether it is a plateau, each geometry's value, the
    /// calibration's cost in reference samples.
    private static func recordDiagnostics(_ findings: Findings, in diagnostics: inout [String: ParameterValue]) {
        let statistic = findings.statistic, curve = findings.curve, scales = statistic.scales
        diagnostics["sample_size"] = .int(statistic.sampleSize)
        diagnostics["samples"] = .int(statistic.split.count)
        diagnostics["points_used"] = .int(statistic.pointsUsed)
        diagnostics["scales_used"] = .string(scales.map(String.init).joined(separator: ","))
        diagnostics["chosen_scale"] = .int(scales[findings.choice.index])
        diagnostics["plateau_found"] = .bool(findings.choice.plateauFound)
        diagnostics["maximum_dimension"] = .int(findings.maximumDimension)
        diagnostics["interval_widening"] = .double(statistic.widening)
        diagnostics["calibration_samples"] = .int(findings.calibrationSamples)
        for (row, j) in scales.enumerated() {
            diagnostics["raw_scale_\(j)"] = .double(statistic.raw[row])
            diagnostics["calibrated_scale_\(j)"] = .double(curve[row].estimate.dimension)
            diagnostics["calibrated_low_scale_\(j)"] = .double(curve[row].low)
            diagnostics["calibrated_high_scale_\(j)"] = .double(curve[row].high)
        }
        for geometry in findings.readings {
            diagnostics["\(geometry.shape.name)_dimension"] = .double(geometry.estimate)
        }
    }

    /// One note per step, in order: the statistic and the points it used, the calibration at the
    /// chosen scale, the calibrated curve, the scale choice, the interval (or why there is none),
    /// where the value lies in the calibrated range, and the method's assumption.
    private func explanationNotes(_ findings: Findings, options: EstimationOptions) -> [String] {
        let statistic = findings.statistic, curve = findings.curve, chosen = findings.choice.index
        let scales = statistic.scales, raw = statistic.raw, n = statistic.sampleSize
        let maximumDimension = findings.maximumDimension
        let split = statistic.split, workingCount = findings.workingCount
        var notes: [String] = []
        let subsampleText = split.count == 1
            ? (split.size == workingCount ? "all \(n) distinct points" : "\(n) of \(workingCount) points")
            : "\(split.count) disjoint random subsamples of \(n) points (\(split.pointsUsed) of \(workingCount) distinct points)"
        notes.append("statistic: (psi(2j) - psi(j)) / mean log(r_2j / r_j) at neighbour ranks j = "
                     + "\(scales.map(String.init).joined(separator: ", ")) on \(subsampleText); j = 1 is TwoNN")
        notes.append("calibration: each raw value mapped to the dimension m at which uniform m-balls of \(n) points give the same "
                     + "statistic (\(replicates) reference samples per candidate, m from 1 to \(maximumDimension)); at scale "
                     + "\(scales[chosen]) raw \(Self.text(raw[chosen])) -> \(Self.text(findings.dimension))")
        notes.append("dimension by scale: " + scales.indices.map {
            "\(scales[$0]): \(Self.text(curve[$0].estimate.dimension)) [\(Self.text(curve[$0].low)), \(Self.text(curve[$0].high))]"
        }.joined(separator: "; "))
        notes.append(findings.choice.reason)
        if findings.interval.hasBounds {
            notes.append("interval: reference geometry unknown, so the \(Int((options.confidenceLevel * 100).rounded()))% "
                         + "intervals through each calibration are joined (ball \(Self.text(findings.readings[0].estimate)), "
                         + findings.readings.dropFirst().map { "\($0.shape.name) \(Self.text($0.estimate))" }.joined(separator: ", ")
                         + "); point estimate from the ball")
        } else {
            notes.append("no interval reported; the bootstrap that chooses the scale still ran, so the estimate is the one "
                         + "reported with an interval")
        }
        switch curve[chosen].estimate.bound {
        case .aboveLargest where maximumDimension == findings.columnCount:
            notes.append("the statistic reads at or above that of a uniform \(maximumDimension)-ball: the data fill all "
                         + "D = \(maximumDimension) coordinates at this scale, and the estimate is D (no dimension can exceed it)")
        case .aboveLargest:
            notes.append("the statistic is beyond the calibration's largest dimension n - 1 = \(maximumDimension) "
                         + "(n points span at most n - 1 dimensions): the estimate is that cap and a lower bound")
        case .belowSmallest:
            notes.append("the statistic is below that of a 1-dimensional uniform sample: extrapolated below 1")
        case .within:
            break
        }
        notes.append("assumes locally uniform-like sampling: strongly non-uniform densities read low, curvature at the "
                     + "neighbour scale reads high")
        return notes
    }

    /// A value with two decimals, as the notes print it.
    static func text(_ value: Double) -> String { String(format: "%.2f", value) }
}
