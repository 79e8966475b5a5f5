import MindSpaceCore
import MindSpaceNumerics

/// One metric's verdict on one pair of representations: the observed similarity, a pairs
/// bootstrap interval, and a permutation null in which B's rows are shuffled against A's.
///
/// **Why a null.** A similarity of unrelated representations is not 0: biased linear CKA of two
/// independent N × D Gaussian matrices is about D/(N + D) when D is large, mutual-kNN overlap
/// about k/(N − 1). The permutation null keeps both representations as they are and breaks only
/// the correspondence of rows, so its mean is what "no shared structure" gives at this N and D,
/// and the p-value (Phipson & Smyth 2010: (1 + #{null ≥ observed}) / (B + 1)) says whether the
/// observed similarity exceeds it.
///
/// **Why a bootstrap.** The inputs are a sample; the interval is the percentile interval of the
/// score over resamples of the N input rows with replacement (Efron & Tibshirani 1993, ch. 13),
/// applied to both representations alike (the pairs bootstrap). Neighbour metrics keep their
/// full-sample neighbour lists and weight rows instead (see `RowPairing`).
///
/// **Determinism.** Draw b (a permutation or a resample) comes from its own generator, seeded by
/// the comparison seed, the draw's kind and b, so draws can run on any number of threads and
/// every thread count gives the same numbers.
public struct RepresentationComparison: Sendable, Equatable {
    /// How much of the interval and the null to compute.
    public struct Settings: Sendable, Equatable {
        /// Bootstrap resamples (`--bootstrap`); 0 skips the interval.
        public var bootstrap: Int
        /// Coverage of the interval (`--level`), in (0, 1).
        public var level: Double
        /// Shuffles of B's rows (`--permutations`); 0 skips the null.
        public var permutations: Int
        /// The seed of every draw.
        public var seed: UInt64

        public init(bootstrap: Int = 200, level: Double = 0.95, permutations: Int = 1000, seed: UInt64 = 0) {
            self.bootstrap = bootstrap
            self.level = level
            self.permutations = permutations
            self.seed = seed
        }
    }

    /// The permutation null of one score.
    public struct Null: Sendable, Equatable, Codable {
        /// The mean score over the shuffles.
        public var mean: Double
        /// The 2.5% and 97.5% quantiles of the shuffled scores.
        public var interval: [Double]
        /// (1 + #{shuffled ≥ observed}) / (B + 1).
        public var pValue: Double
        /// B, the shuffles on which the metric was defined.
        public var permutations: Int

        enum CodingKeys: String, CodingKey {
            case mean, interval
            case pValue = "p_value"
            case permutations
        }
    }

    /// The observed score.
    public var value: Double
    /// The bootstrap percentile interval [low, high]; `nil` when skipped or no resample was finite.
    public var ci: [Double]?
    /// The permutation null; `nil` when skipped or no shuffle gave a finite score.
    public var null: Null?

    /// The verdict of `metric` on `a` against `b` (prepared from N rows each).
    ///
    /// - Parameter stream: distinguishes this pair and metric among others of one command, so
    ///   that each gets its own draws (any value, e.g. a running index).
    /// - Complexity: (1 + bootstrap + permutations) calls of `metric.score`, spread over threads.
    public static func assess<Metric: RepresentationMetric>(
        _ metric: Metric, _ a: Metric.Prepared, _ b: Metric.Prepared, rows: Int,
        settings: Settings, stream: UInt64
    ) throws -> RepresentationComparison {
        precondition(rows >= 2, "a comparison needs at least two rows")
        let value = try metric.score(a, b, pairing: .identity)

        var ci: [Double]?
        if settings.bootstrap > 0 {
            let replicates = try draws(settings.bootstrap) { draw in
                var generator = generator(settings.seed, stream: stream, kind: 1, draw: draw)
                var counts = [Int](repeating: 0, count: rows)
                Bootstrap.draw(&counts, generator: &generator)
                return try metric.score(a, b, pairing: RowPairing(multiplicity: counts))
            }
            let finite = replicates.filter(\.isFinite).sorted()
            if !finite.isEmpty {
                ci = [Bootstrap.interpolatedQuantile(finite, (1 - settings.level) / 2),
                      Bootstrap.interpolatedQuantile(finite, (1 + settings.level) / 2)]
            }
        }

        var null: Null?
        if settings.permutations > 0 {
            let shuffled = try draws(settings.permutations) { draw in
                var generator = generator(settings.seed, stream: stream, kind: 2, draw: draw)
                var partner = Array(0..<rows)
                generator.shuffle(&partner)
                return try metric.score(a, b, pairing: RowPairing(partner: partner))
            }
            let finite = shuffled.filter(\.isFinite)
            if !finite.isEmpty {
                let test = PermutationTest(observed: value, null: finite, tail: .upper)
                null = Null(mean: test.nullMean, interval: test.nullInterval, pValue: test.pValue,
                            permutations: test.permutations)
            }
        }
        return RepresentationComparison(value: value, ci: ci, null: null)
    }

    /// `body(draw)` for every draw < count, on all threads, in draw order. A draw on which the
    /// metric is undefined (it throws `MindSpaceError`, e.g. CKNNA when a resample leaves no
    /// mutual neighbours) counts as not finite and is left out, as `Bootstrap` leaves out
    /// non-finite replicates; `Null.permutations` says how many shuffles were used.
    private static func draws(_ count: Int, _ body: @Sendable (Int) throws -> Double) throws -> [Double] {
        let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
        defer { results.deallocate() }
        let firstError = ConcurrentFirstError()
        nonisolated(unsafe) let target = results
        ParallelLoop.forEach(count) { draw in
            guard firstError.error == nil else { return }
            do {
                target[draw] = try body(draw)
            } catch is MindSpaceError {
                target[draw] = .nan
            } catch {
                firstError.record(error)
            }
        }
        if let error = firstError.error { throw error }
        return Array(results)
    }

    /// The generator of one draw: a SplitMix-style mix of the seed, the stream, the kind of draw
    /// (1 bootstrap, 2 permutation) and its index, so that no two draws share a stream.
    static func generator(_ seed: UInt64, stream: UInt64, kind: UInt64, draw: Int) -> SeededGenerator {
        var mixed = seed
        for word in [stream, kind, UInt64(draw)] {
            mixed = (mixed ^ word) &* 0x9E37_79B9_7F4A_7C15
            mixed ^= mixed >> 29
        }
        return SeededGenerator(seed: mixed)
    }
}
