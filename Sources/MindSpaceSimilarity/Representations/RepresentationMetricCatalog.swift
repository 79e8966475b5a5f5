extension RepresentationMetricName {
    /// The metric this name stands for, configured by `settings`.
    public func metric(settings: RepresentationMetricSettings) -> any RepresentationMetric {
        switch self {
        case .linearCKA: return LinearCKA(debiased: false)
        case .linearCKADebiased: return LinearCKA(debiased: true)
        case .rbfCKA: return RBFCKA(sigmaFraction: settings.rbfSigmaFraction)
        case .svcca: return SVCCA(dimensions: settings.ccaDimensions)
        case .pwcca: return PWCCA()
        case .procrustes: return ProcrustesSimilarity()
        case .mutualKNN: return MutualNeighbors(k: settings.k)
        case .cknna: return CKNNA(k: settings.k)
        case .neighborhoodOverlap: return NeighborhoodOverlap(k: settings.k)
        case .relative:
            return RelativeRepresentationAgreement(anchorCount: settings.anchorCount, anchorRows: settings.anchorRows,
                                                   seed: settings.seed)
        }
    }

    /// Whether score(A, B) = score(B, A). Projection-weighted CCA weighs the canonical
    /// correlations by A's projections onto them, so it is not (Morcos et al. 2018, §2.2); a
    /// matrix of it holds both directions.
    public var isSymmetric: Bool { self != .pwcca }

    /// How the metric reads in a sentence ("linear CKA (debiased)").
    public var displayName: String {
        switch self {
        case .linearCKA: return "linear CKA"
        case .linearCKADebiased: return "linear CKA (debiased)"
        case .rbfCKA: return "RBF CKA"
        case .svcca: return "SVCCA"
        case .pwcca: return "PWCCA"
        case .procrustes: return "Procrustes similarity"
        case .mutualKNN: return "mutual k-NN"
        case .cknna: return "CKNNA"
        case .neighborhoodOverlap: return "neighbourhood overlap"
        case .relative: return "relative representations"
        }
    }
}
