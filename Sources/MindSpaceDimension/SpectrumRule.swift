import MindSpaceCore
import MindSpaceNumerics

/// A rule that reads a dimension off a PCA eigenvalue spectrum, shared by the local
/// (`LocalPCAEstimator`, one neighbourhood at a time) and global (`PCADimensionEstimator`)
/// PCA estimators. The rules and their defaults are those of scikit-dimension 0.5.0's `lPCA`
/// (`ver=`), itself following R's `intrinsicDimension` (Johnsson 2016):
///
/// λ₁ ≥ … ≥ λ_m are the sample-covariance eigenvalues (divisor n − 1) of n centred points in p
/// features, m = min(n, p) (as scikit-learn's `PCA().explained_variance_`). Eigenvalues at or
/// below λ₁·max(n, p)·ε (ε = 2⁻⁵², round-off of a rank-deficient matrix) are set to exactly 0
/// first — scikit-dimension's own "numerical zero" cut for its random-matrix rules, applied to
/// every rule here so that round-off never decides a result (it only matters for rank-deficient
/// data, e.g. `.maxGap`, where scikit-dimension compares ratios of round-off values).
///
/// - `.fukunagaOlsen` (`fo`; Fukunaga & Olsen 1971, IEEE Trans. Comput. C-20:176): the number of
///   λᵢ > α·λ₁, α = `foThreshold` (default 0.05).
/// - `.varianceRatio` (`ratio`): the smallest j with (λ₁ + … + λ_j)/Σλ ≥ f, f =
///   `varianceFraction` (default **0.95**; scikit-dimension's default `alphaRatio=0.05` keeps
///   only 5 % of the variance and so nearly always returns 1).
/// - `.participationRatio` (`pr`; e.g. Gao et al. 2017, bioRxiv 214262): (Σλ)²/Σλ², a continuous
///   value in [1, m]; equals j for j equal eigenvalues.
/// - `.marchenkoPastur` (`mp`; Marchenko & Pastur 1967): the number of nonzero λᵢ above the
///   upper edge of the Marchenko–Pastur bulk, σ²(1 + √(p/n′))², n′ = n − 1, for noise variance
///   σ² estimated by matching the **median** of the nonzero eigenvalues (the first min(n′, p))
///   to the median of the Marchenko–Pastur law of ratio β = min(n′, p)/max(n′, p):
///   σ² = median(λ) / (q_½(β)·max(n′, p)/n′), q_½ from `MarchenkoPastur.median`. A signal-rank
///   rule for "low-rank signal + i.i.d. noise": on noiseless manifold data, where more than half
///   of the eigenvalues are signal, the median is signal too and the count is low.
/// - `.maxGap` (`maxgap`): the j maximising λ_j/λ_{j+1} (first on ties; a zero after a nonzero
///   eigenvalue is an infinite gap, 0/0 is skipped).
/// - `.kaiser` (`kaiser`; Kaiser 1960): the number of λᵢ above their mean.
/// - `.brokenStick` (`broken-stick`; Frontier 1976, Jackson 1993): the number of leading
///   normalised eigenvalues λᵢ/Σλ above the broken-stick expectation bᵢ = (1/m)·Σ_{j=i}^{m} 1/j
///   (counting stops at the first one below; scikit-dimension returns 0 instead of m when none
///   is, which cannot happen unless all equal the stick exactly).
/// - `.fan` (`fan`; Fan et al. 2010, Neurocomputing 73:2157): with r the first index whose
///   cumulative variance fraction exceeds P = `fanSignalFraction` (0.95), σ = mean(λ_r…λ_m);
///   μᵢ = λᵢ − σ; the result is 1 + the first index i (0-based) where μᵢ/μᵢ₊₁ > α
///   (`fanGapThreshold`, 10) or the cumulative fraction Σ_{j≤i}μⱼ/Σμ exceeds β
///   (`fanVarianceThreshold`, 0.8).
///
/// Integer rules return whole numbers as `Double`. With all eigenvalues 0 (constant data)
/// every rule returns 0.
public struct SpectrumRule: Sendable, Equatable {
    /// Which rule; the raw value is the short name used in estimator names (`lpca-fo`, `pca-mp`).
    public enum Version: String, Sendable, Codable, CaseIterable {
        case fukunagaOlsen = "fo"
        case varianceRatio = "ratio"
        case participationRatio = "pr"
        case marchenkoPastur = "mp"
        case maxGap = "maxgap"
        case kaiser
        case brokenStick = "broken-stick"
        case fan
    }

    /// The rule.
    public var version: Version
    /// `.fukunagaOlsen`: α in (0, 1), eigenvalues above α·λ₁ count (default 0.05).
    public var foThreshold: Double
    /// `.varianceRatio`: the fraction of the variance to retain, in (0, 1] (default 0.95).
    public var varianceFraction: Double
    /// `.fan`: the large-gap threshold α (default 10).
    public var fanGapThreshold: Double
    /// `.fan`: the cumulative-variance threshold β (default 0.8).
    public var fanVarianceThreshold: Double
    /// `.fan`: the variance fraction P attributed to signal (default 0.95).
    public var fanSignalFraction: Double

    /// A rule with scikit-dimension's defaults except `varianceFraction` (0.95; see above).
    public init(_ version: Version = .fukunagaOlsen, foThreshold: Double = 0.05, varianceFraction: Double = 0.95,
                fanGapThreshold: Double = 10, fanVarianceThreshold: Double = 0.8, fanSignalFraction: Double = 0.95) {
        self.version = version
        self.foThreshold = foThreshold
        self.varianceFraction = varianceFraction
        self.fanGapThreshold = fanGapThreshold
        self.fanVarianceThreshold = fanVarianceThreshold
        self.fanSignalFraction = fanSignalFraction
    }

    /// The settings that apply to `version`, for `DimensionEstimate.parameters`.
    public var parameters: [String: ParameterValue] {
        var result: [String: ParameterValue] = ["version": .string(version.rawValue)]
        switch version {
        case .fukunagaOlsen: result["fo_threshold"] = .double(foThreshold)
        case .varianceRatio: result["variance_fraction"] = .double(varianceFraction)
        case .fan:
            result["fan_gap_threshold"] = .double(fanGapThreshold)
            result["fan_variance_threshold"] = .double(fanVarianceThreshold)
            result["fan_signal_fraction"] = .double(fanSignalFraction)
        default: break
        }
        return result
    }

    /// Throws `.usage` naming the setting out of range.
    public func validate() throws {
        switch version {
        case .fukunagaOlsen:
            guard foThreshold > 0 && foThreshold < 1 else {
                throw MindSpaceError(.usage, "FO threshold must be in (0, 1), got \(foThreshold)")
            }
        case .varianceRatio:
            guard varianceFraction > 0 && varianceFraction <= 1 else {
                throw MindSpaceError(.usage, "variance fraction must be in (0, 1], got \(varianceFraction)")
            }
        case .fan:
            guard fanSignalFraction > 0 && fanSignalFraction < 1 && fanGapThreshold > 0
                    && fanVarianceThreshold > 0 && fanVarianceThreshold <= 1 else {
                throw MindSpaceError(.usage, "Fan thresholds out of range: gap \(fanGapThreshold) (> 0), variance \(fanVarianceThreshold) (in (0, 1]), signal \(fanSignalFraction) (in (0, 1))")
            }
        default: break
        }
    }

    /// The dimension read from `eigenvalues` (the m = min(n, p) sample-covariance eigenvalues,
    /// **descending**, negative round-off allowed) of `sampleCount` = n centred points in
    /// `featureCount` = p features. O(m) (`.marchenkoPastur`: O(m log m)).
    public func dimension(eigenvalues descending: [Double], sampleCount n: Int, featureCount p: Int) -> Double {
        precondition(!descending.isEmpty, "a spectrum needs at least one eigenvalue")
        let largest = descending[0]
        guard largest > 0 else { return 0 }
        let cut = largest * Double(max(n, p)) * Double.ulpOfOne
        let values = descending.map { $0 > cut ? $0 : 0 }
        switch version {
        case .fukunagaOlsen:
            return Double(values.filter { $0 > foThreshold * largest }.count)
        case .varianceRatio:
            let total = values.reduce(0, +)
            var cumulative = 0.0, below = 0
            for value in values {
                cumulative += value
                if cumulative / total < varianceFraction { below += 1 }
            }
            return Double(below + 1)
        case .participationRatio:
            let sum = values.reduce(0, +), squares = values.reduce(0) { $0 + $1 * $1 }
            return sum * sum / squares
        case .marchenkoPastur:
            return Self.marchenkoPasturCount(values, n: n, p: p)
        case .maxGap:
            var best = -Double.infinity, bestIndex = 0
            for index in 0..<(values.count - 1) {
                let gap = values[index] / values[index + 1]
                if !gap.isNaN && gap > best { best = gap; bestIndex = index }
            }
            return Double(bestIndex + 1)
        case .kaiser:
            let mean = values.reduce(0, +) / Double(values.count)
            return Double(values.filter { $0 > mean }.count)
        case .brokenStick:
            let m = values.count
            let total = values.reduce(0, +)
            var tail = 0.0   // Σ_{j=i}^{m} 1/j, built from the end
            var stick = [Double](repeating: 0, count: m)
            for index in stride(from: m - 1, through: 0, by: -1) {
                tail += 1 / Double(index + 1)
                stick[index] = tail / Double(m)
            }
            for index in 0..<m where stick[index] > values[index] / total { return Double(index) }
            return Double(m)
        case .fan:
            return fanDimension(values)
        }
    }

    /// Fan et al.'s rule as scikit-dimension's `_fan` computes it (IEEE division semantics:
    /// x/0 = ±∞ counts as a large gap, 0/0 does not).
    private func fanDimension(_ values: [Double]) -> Double {
        let total = values.reduce(0, +)
        var cumulative = 0.0
        var signalEnd = values.count - 1
        for (index, value) in values.enumerated() {
            cumulative += value
            if cumulative / total > fanSignalFraction { signalEnd = index; break }
        }
        let tail = values[signalEnd...]
        let sigma = tail.reduce(0, +) / Double(tail.count)
        let shifted = values.map { $0 - sigma }
        let shiftedTotal = shifted.reduce(0, +)
        var firstGap = Int.max
        for index in 0..<(shifted.count - 1) where shifted[index] / shifted[index + 1] > fanGapThreshold {
            firstGap = index
            break
        }
        var firstFraction = Int.max
        cumulative = 0
        for (index, value) in shifted.enumerated() {
            cumulative += value
            if cumulative / shiftedTotal > fanVarianceThreshold { firstFraction = index; break }
        }
        let first = min(firstGap, firstFraction)
        return first == Int.max ? Double(values.count) : Double(1 + first)
    }

    /// The number of nonzero eigenvalues above the Marchenko–Pastur edge for the noise level
    /// matched at the median (see the type's documentation).
    static func marchenkoPasturCount(_ values: [Double], n: Int, p: Int) -> Double {
        let effective = n - 1
        guard effective >= 1 else { return 0 }
        let nonzero = values.prefix(min(effective, p)).filter { $0 > 0 }
        guard !nonzero.isEmpty else { return 0 }
        let sorted = nonzero.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        let larger = Double(max(effective, p)), smaller = Double(min(effective, p))
        let sigma2 = median / (MarchenkoPastur.median(ratio: smaller / larger) * larger / Double(effective))
        let edge = sigma2 * pow(1 + (Double(p) / Double(effective)).squareRoot(), 2)
        return Double(nonzero.filter { $0 > edge }.count)
    }
}
