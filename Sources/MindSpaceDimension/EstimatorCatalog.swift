import MindSpaceCore

/// The intrinsic-dimension estimators `mindspace id --estimator NAME` knows, by the names they
/// report. Adding an estimator to the CLI is one entry here.
public enum EstimatorCatalog {
    /// One estimator: its reported name, a one-line description, and how to build it for a
    /// requested neighbourhood size (`--k`; `nil` keeps the estimator's default).
    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        /// Whether the estimator has a neighbourhood size that `--k` sets.
        public let takesNeighbourhoodSize: Bool
        /// Whether its estimates carry per-point values (`DimensionEstimate.pointwise`).
        public let reportsPointwise: Bool
        public let make: @Sendable (_ k: Int?) -> any DimensionEstimator

        /// An estimator with a neighbourhood size: `make(k)`, `k` `nil` for its default.
        init(name: String, summary: String, pointwise: Bool = false,
             make: @escaping @Sendable (_ k: Int?) -> any DimensionEstimator) {
            self.name = name
            self.summary = summary
            takesNeighbourhoodSize = true
            reportsPointwise = pointwise
            self.make = make
        }

        /// An estimator without a neighbourhood size.
        init(name: String, summary: String, pointwise: Bool = false,
             make: @escaping @Sendable () -> any DimensionEstimator) {
            self.name = name
            self.summary = summary
            takesNeighbourhoodSize = false
            reportsPointwise = pointwise
            self.make = { _ in make() }
        }
    }

    /// Every estimator, in the order `all` runs them.
    public static let entries: [Entry] = [
        Entry(name: "auto", summary: "recommended: TwoNN-type ratios calibrated against uniform balls, first-plateau scale, geometry-aware interval (AutoEstimator)") {
            AutoEstimator()
        },
        Entry(name: "twonn", summary: "TwoNN, least-squares fit, 10% largest ratios discarded (Facco et al. 2017)") {
            TwoNNEstimator()
        },
        Entry(name: "twonn-mle", summary: "TwoNN, closed-form maximum likelihood with an exact interval (Denti et al. 2022)") {
            TwoNNEstimator(fit: .maximumLikelihood)
        },
        Entry(name: "mle", summary: "Levina–Bickel MLE on k neighbours, MacKay–Ghahramani pooling (default: k = 20)", pointwise: true) { k in
            MLEEstimator(k: k ?? 20)
        },
        Entry(name: "gride", summary: "GRIDE, ratios of the n1-th and 2·n1-th neighbour distances, Wald interval (Denti et al. 2022; --k sets n1, default: 1)") { k in
            GRIDEEstimator(n1: k ?? 1)
        },
        Entry(name: "mom", summary: "method of moments on k-NN distances (Amsaleg et al. 2018; default: k = 100)", pointwise: true) { k in
            MOMEstimator(k: k ?? 100)
        },
        Entry(name: "tle", summary: "tight local estimation (Amsaleg et al. 2019; default: k = 20)", pointwise: true) { k in
            TLEEstimator(k: k ?? 20)
        },
        Entry(name: "mada", summary: "manifold-adaptive dimension estimation (Farahmand et al. 2007; default: k = 20)", pointwise: true) { k in
            MADAEstimator(k: k ?? 20)
        },
        Entry(name: "corrint", summary: "correlation integral between the k1-th and k2-th neighbour scales (Grassberger & Procaccia 1983; k1 = 10, k2 = 20)") {
            CorrIntEstimator()
        },
        Entry(name: "knn", summary: "kNN graph length scaling (Carter, Raich & Hero 2010; default: k = 2)") { k in
            KNNEstimator(k: k ?? 2)
        },
        Entry(name: "lpca-fo", summary: "local PCA of k-neighbourhoods, Fukunaga–Olsen rule: eigenvalues above 5% of the largest (default: k = 100)", pointwise: true) { k in
            LocalPCAEstimator(k: k ?? 100, rule: SpectrumRule(.fukunagaOlsen))
        },
        Entry(name: "lpca-ratio", summary: "local PCA, components for 95% of the neighbourhood's variance (default: k = 100)", pointwise: true) { k in
            LocalPCAEstimator(k: k ?? 100, rule: SpectrumRule(.varianceRatio))
        },
        Entry(name: "lpca-pr", summary: "local PCA, participation ratio (Σλ)²/Σλ² (default: k = 100)", pointwise: true) { k in
            LocalPCAEstimator(k: k ?? 100, rule: SpectrumRule(.participationRatio))
        },
        Entry(name: "lpca-mp", summary: "local PCA, eigenvalues above the Marchenko–Pastur noise edge (default: k = 100)", pointwise: true) { k in
            LocalPCAEstimator(k: k ?? 100, rule: SpectrumRule(.marchenkoPastur))
        },
        Entry(name: "pca-fo", summary: "global PCA, Fukunaga–Olsen rule") { PCADimensionEstimator(rule: SpectrumRule(.fukunagaOlsen)) },
        Entry(name: "pca-ratio", summary: "global PCA, components for 95% of the variance") { PCADimensionEstimator(rule: SpectrumRule(.varianceRatio)) },
        Entry(name: "pca-pr", summary: "global PCA, participation ratio") { PCADimensionEstimator(rule: SpectrumRule(.participationRatio)) },
        Entry(name: "pca-mp", summary: "global PCA, eigenvalues above the Marchenko–Pastur noise edge") { PCADimensionEstimator(rule: SpectrumRule(.marchenkoPastur)) },
        Entry(name: "ess", summary: "expected simplex skewness (Johnsson et al. 2015; default: k = 100)", pointwise: true) { k in
            ESSEstimator(k: k ?? 100)
        },
        Entry(name: "mind-mlk", summary: "MiND_ML, continuous maximiser (Rozza et al. 2012; default: k = 20)") { k in
            MiNDMLEstimator(k: k ?? 20)
        },
        Entry(name: "fishers", summary: "Fisher separability (Albergante, Bac & Zinovyev 2019)") {
            FisherSEstimator()
        },
        Entry(name: "danco", summary: "DANCo, calibrated on uniform balls (Ceruti et al. 2014; default: k = 10)") { k in
            DANCoEstimator(k: k ?? 10)
        },
    ]

    /// The names accepted by `--estimator` besides the entries: `all`.
    public static var names: [String] { entries.map(\.name) }

    /// The estimators for `requested` names (case-insensitive; `all` expands to every entry;
    /// repeated names run once), built with neighbourhood size `k` where they take one.
    ///
    /// `k` and `pointwise` (per-point values asked for) apply to the chosen estimators they fit.
    /// Throws `.usage` naming an unknown name and listing the valid ones, and when `k` or
    /// `pointwise` fits none of the chosen estimators: no option is ignored in silence.
    public static func estimators(named requested: [String], k: Int?,
                                  pointwise: Bool = false) throws -> [any DimensionEstimator] {
        var chosen: [Entry] = []
        for raw in requested {
            let name = raw.lowercased()
            if name == "all" {
                for entry in entries where !chosen.contains(where: { $0.name == entry.name }) { chosen.append(entry) }
                continue
            }
            guard let entry = entries.first(where: { $0.name == name }) else {
                throw MindSpaceError(.usage, "--estimator: unknown estimator '\(raw)'; choose from: \((names + ["all"]).joined(separator: ", "))")
            }
            if !chosen.contains(where: { $0.name == entry.name }) { chosen.append(entry) }
        }
        let names = chosen.map { "'\($0.name)'" }.joined(separator: ", ")
        if k != nil, !chosen.contains(where: \.takesNeighbourhoodSize) {
            let takers = entries.filter(\.takesNeighbourhoodSize).map(\.name).joined(separator: ", ")
            throw MindSpaceError(.usage, "--k does not apply to \(names): no neighbourhood size; "
                                 + "estimators that take one: \(takers)")
        }
        if pointwise, !chosen.contains(where: \.reportsPointwise) {
            let reporters = entries.filter(\.reportsPointwise).map(\.name).joined(separator: ", ")
            throw MindSpaceError(.usage, "--pointwise: no per-point values from \(names); "
                                 + "estimators with them: \(reporters)")
        }
        return chosen.map { $0.make(k) }
    }
}
