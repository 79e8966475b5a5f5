import MindSpaceCore
import MindSpaceSynthetic

extension AutoEstimator {
    /// A raw value and its interval at one scale, mapped to dimensions through one reference
    /// calibration (steps 3 and 5 of `AutoEstimator`).
    struct CalibratedValue {
        /// The dimension whose reference statistic equals d̂ⱼ, and where it lies in the range.
        var estimate: DimensionCalibration.Inversion
        /// The inverted lower end, at most the estimate.
        var low: Double
        /// The inverted upper end, at least the estimate (the largest candidate when unbounded).
        var high: Double
    }

    /// The dimension and interval at the chosen scale as read through one reference geometry
    /// (step 5 of `AutoEstimator`).
    struct GeometryReading {
        /// The reference geometry (ball, hypercube or sphere).
        var shape: UniformShape
        /// The inverted point estimate.
        var estimate: Double
        /// The inverted lower end, at most `estimate`.
        var low: Double
        /// The inverted upper end, at least `estimate`.
        var high: Double
    }

    /// A calibration against uniform samples of `shape` with the statistic's sample size and
    /// scales, this estimator's `replicates`, candidates 1…`maximumDimension` (nothing is sampled
    /// until it is inverted).
    func referenceCalibration(_ shape: UniformShape, for statistic: RawScaleCurve, maximumDimension: Int,
                              options: EstimationOptions) -> DimensionCalibration {
        DimensionCalibration(reference: shape, sampleSize: statistic.sampleSize, scales: statistic.scales,
                             replicates: replicates, maximumDimension: maximumDimension, seed: options.seed)
    }

    /// Step 3 (one scale): d̂ⱼ and the ends of its widened interval at `scaleIndex`, each mapped
    /// to the dimension m at which the reference gives the same statistic
    /// (`DimensionCalibration.invert`); an unbounded upper end maps to the largest candidate, and
    /// the interval is stretched to contain the estimate.
    static func calibrated(_ statistic: RawScaleCurve, scaleIndex row: Int,
                           through calibration: inout DimensionCalibration) throws -> CalibratedValue {
        let estimate = try calibration.invert(statistic.raw[row], scaleIndex: row)
        let low = try calibration.invert(statistic.low[row], scaleIndex: row).dimension
        let high = statistic.high[row].isFinite ? try calibration.invert(statistic.high[row], scaleIndex: row).dimension
                                                : Double(calibration.maximumDimension)
        return CalibratedValue(estimate: estimate, low: min(low, estimate.dimension), high: max(high, estimate.dimension))
    }

    /// Step 5: the reading at scale `chosen` through every geometry of `intervalReferences`: the
    /// point reference's from the curve (`pointCurve`, calibrated in step 3), the others calibrated
    /// here, and only when the interval plan is the bootstrap (no interval reported otherwise).
    /// Also returns the reference samples the other geometries drew.
    func geometryReadings(_ statistic: RawScaleCurve, pointCurve: [CalibratedValue], chosen: Int,
                          maximumDimension: Int, options: EstimationOptions) throws
        -> (readings: [GeometryReading], samplesDrawn: Int) {
        let plan = options.intervalPlan(estimator: name, hasAnalytic: false)
        var readings = [GeometryReading(shape: Self.pointReference, estimate: pointCurve[chosen].estimate.dimension,
                                        low: pointCurve[chosen].low, high: pointCurve[chosen].high)]
        var samplesDrawn = 0
        for shape in Self.intervalReferences where shape != Self.pointReference && plan == .bootstrap {
            var other = referenceCalibration(shape, for: statistic, maximumDimension: maximumDimension, options: options)
            let value = try Self.calibrated(statistic, scaleIndex: chosen, through: &other)
            readings.append(GeometryReading(shape: shape, estimate: value.estimate.dimension, low: value.low, high: value.high))
            samplesDrawn += other.samplesDrawn
        }
        return (readings, samplesDrawn)
    }

    /// The reported interval: the union of the geometries' intervals, since the data's geometry is
    /// unknown (`dimension`, the point reference's estimate, where there is none); omitted with its
    /// reason unless the interval plan is the bootstrap.
    func joinedInterval(_ readings: [GeometryReading], dimension: Double, statistic: RawScaleCurve, chosen: Int,
                        options: EstimationOptions) -> ConfidenceInterval {
        options.confidenceInterval(estimator: name) { _ in
            ConfidenceInterval(
                low: readings.map(\.low).min() ?? dimension, high: readings.map(\.high).max() ?? dimension,
                level: options.confidenceLevel, method: .bootstrap,
                detail: "percentile bootstrap over points (\(options.bootstrapResamples) resamples, seed \(options.seed)) of the "
                    + "scale-\(statistic.scales[chosen]) statistic, widened x\(Self.text(statistic.widening)) for calibration noise, inverted through "
                    + "ball, hypercube and sphere calibrations and joined")
        }
    }
}
