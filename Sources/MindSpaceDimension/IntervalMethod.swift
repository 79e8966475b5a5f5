/// How the confidence interval of each estimate is obtained (`mindspace id --ci`).
///
/// Two estimators have an **analytic** interval: TwoNN's maximum-likelihood fit (`twonn-mle`,
/// the exact Gamma pivot of Epstein & Sobel 1953) and GRIDE (the Wald interval from the observed
/// Fisher information, Denti et al. 2022). Every other estimator's only interval is a seeded
/// percentile **bootstrap** over points (`Bootstrap`); `auto`'s is a bootstrap carried through
/// its calibration. Each estimate reports the method it used in `ConfidenceInterval.method`
/// (JSON `ci_method`), and `none` with the reason in `ci_detail` when it has no interval.
public enum IntervalMethod: String, CaseIterable, Sendable, Codable {
    /// Analytic where the estimator has one, otherwise the bootstrap (the default).
    case auto
    /// No interval for any estimate (no bootstrap is run, so it is faster): each estimate reports
    /// `ci: null` with method `none`.
    case none
    /// Analytic intervals only. An estimator without one reports no interval, and says why in
    /// its `ci_detail` and `notes`: never a bootstrap presented as analytic, never a made-up one.
    case analytic
    /// The seeded bootstrap for every estimator, also where an analytic interval exists (to
    /// compare the two, or to avoid the analytic interval's model assumptions).
    case bootstrap
}

/// What one estimator computes under the requested `IntervalMethod`.
enum IntervalPlan: Equatable {
    /// The estimator's analytic interval.
    case analytic
    /// The seeded percentile bootstrap.
    case bootstrap
    /// No interval; the one-line reason.
    case omitted(String)
}

extension EstimationOptions {
    /// The interval an estimator named `name` computes, given whether it has an analytic one.
    func intervalPlan(estimator name: String, hasAnalytic: Bool) -> IntervalPlan {
        switch intervalMethod {
        case .auto: return hasAnalytic ? .analytic : .bootstrap
        case .bootstrap: return .bootstrap
        case .none: return .omitted("no interval: none requested (interval method 'none')")
        case .analytic:
            return hasAnalytic ? .analytic
                : .omitted("no interval: \(name) has no analytic interval; the interval method 'bootstrap' or 'auto' "
                           + "gives it a seeded bootstrap one")
        }
    }

    /// The interval of the estimator named `name` under the requested `IntervalMethod`
    /// (`intervalPlan`): `analytic()` where the plan is analytic (estimators without an analytic
    /// interval pass `nil`), `bootstrap` run with these options' `BootstrapInterval` where it is
    /// the bootstrap, and otherwise the omitted interval with its reason, running neither.
    func confidenceInterval(estimator name: String, analytic: (() -> ConfidenceInterval)? = nil,
                            bootstrap: (BootstrapInterval) throws -> ConfidenceInterval) rethrows -> ConfidenceInterval {
        switch (intervalPlan(estimator: name, hasAnalytic: analytic != nil), analytic) {
        case (.analytic, let analytic?): return analytic()
        case (.omitted(let reason), _): return ConfidenceInterval.omitted(level: confidenceLevel, reason: reason)
        case (.analytic, nil), (.bootstrap, _): return try bootstrap(BootstrapInterval(self))
        }
    }
}
