import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpaceCheckpoints
import MindSpaceTestSupport

/// The streamed trajectory PCA against NumPy's dense SVD of the same checkpoints
/// (`Fixtures/checkpoints/make_fixtures.py`), and the properties of the streaming itself.
@Suite struct TrajectoryStreamingTests {
    static let sets = ["trajectory", "mixed", "sharded", "formats", "npy"]

    private func analyse(_ set: String, chunk: Int? = nil, grouping: ParameterGrouping = .none,
                         threads: Int = 2, hashes: Bool = true) throws -> (CheckpointSet, TrajectoryResult) {
        let checkpoints = try CheckpointSet.open([CheckpointFixtures.path(set)])
        let streamer = CheckpointStreamer(set: checkpoints, chunkElements: chunk, grouping: grouping, hashesData: hashes)
        return (checkpoints, try ThreadLimitScope.with(threads) { try TrajectoryResult.analyse(streamer) })
    }

    /// Tolerances. Both sides are backward-stable double-precision computations on identical
    /// inputs (the stored values widened exactly): NumPy takes the SVD of the centred n×p matrix,
    /// we take the eigenvalues of the streamed centred Gram matrix. Eigenvalue errors are then
    /// a small multiple of ε·λ₁ (≈ 1e-16·λ₁) on both sides; every eigenvalue of these sets is
    /// above 1e-5·λ₁, so 1e-9 relative to each eigenvalue holds with a margin of ~10⁴.
    /// Coordinates √λₖ·uₖ of the top 3 components (eigen-gaps ≥ 13 % of λ₁ … 0.08 %) are
    /// perturbed by about ε·λ₁/gap ≈ 1e-13 relative: 1e-9·√λ₁ absolute leaves a wide margin.
    @Test(arguments: sets)
    func streamedSpectrumEqualsDenseNumPy(set name: String) throws {
        let answer = try CheckpointFixtures.answer(name)
        let (set, result) = try analyse(name)
        #expect(set.checkpoints.map { ($0.path as NSString).deletingLastPathComponent.hasSuffix("checkpoint-5")
                    ? "checkpoint-5" : (($0.path as NSString).lastPathComponent.hasSuffix(".index.json")
                    ? (($0.path as NSString).deletingLastPathComponent as NSString).lastPathComponent
                    : ($0.path as NSString).lastPathComponent) } == answer.checkpoints)
        #expect(result.parameterCount == answer.parameters)
        let spectrum = result.pca.spectrum
        #expect(CheckpointFixtures.largestRelativeDifference(spectrum.eigenvalues, answer.eigenvalues) <= Tolerance.peerFloat64Answer)
        #expect(CheckpointFixtures.largestRelativeDifference(spectrum.explainedVariance, answer.explainedVariance) <= Tolerance.peerFloat64Answer)
        #expect(CheckpointFixtures.largestDifference(spectrum.explainedVarianceRatio, answer.explainedVarianceRatio) <= Tolerance.peerFloat64Answer)
        #expect(isApproximatelyEqual(spectrum.totalVariance, answer.totalVariance, relativeTolerance: Tolerance.peerFloat64Answer))
        #expect(spectrum.componentsForStandardFractions == answer.componentsFor)
        let coordinates = result.pca.coordinates
        let scale = spectrum.eigenvalues[0].squareRoot()
        for (row, expected) in answer.coordinatesTop3.enumerated() {
            let ours = (0..<expected.count).map { coordinates[row, $0] }
            #expect(CheckpointFixtures.largestDifference(ours, expected, scale: scale) <= Tolerance.peerFloat64Answer, "checkpoint \(row)")
        }
        // Norms are sums of squares of the stored values (relative error ~ p·ε); distances come
        // from Gc entries of size ‖x − x̄‖² that cancel to ‖Δx‖², losing at most a factor
        // ‖x − x̄‖²/‖Δx‖² < 10⁴ here: 1e-9 relative holds for both.
        #expect(CheckpointFixtures.largestRelativeDifference(result.norms, answer.norms) <= Tolerance.roundOffOfThousandsOfOperations)
        #expect(CheckpointFixtures.largestRelativeDifference(result.stepDistances, answer.stepDistances) <= Tolerance.peerFloat64Answer)
    }

    /// The chunk size only changes how the sums over parameters are split between tiles (and so
    /// the rounding order): results agree to a few ulps of λ₁, far inside 1e-12. The data hashes
    /// do not depend on it at all, nor does anything on the thread count.
    @Test func chunkSizeDoesNotChangeTheResult() throws {
        let (_, reference) = try analyse("trajectory")
        let scale = reference.pca.spectrum.eigenvalues[0]
        for chunk in [1, 7, 64, 1000, 5000] {
            let (_, result) = try analyse("trajectory", chunk: chunk)
            #expect(result.gram.chunkElements == chunk)
            #expect(CheckpointFixtures.largestDifference(result.pca.spectrum.eigenvalues, reference.pca.spectrum.eigenvalues,
                                                         scale: scale) <= Tolerance.roundOffOfThousandsOfOperations, "chunk \(chunk)")
            #expect(CheckpointFixtures.largestDifference(result.gram.centredGram.storage, reference.gram.centredGram.storage,
                                                         scale: scale) <= Tolerance.roundOffOfThousandsOfOperations, "chunk \(chunk)")
            #expect(result.gram.totals.dataHashes == reference.gram.totals.dataHashes)
            #expect(result.gram.totals.bytesRead == reference.gram.totals.bytesRead)
        }
        let (_, serial) = try analyse("trajectory", threads: 1)
        #expect(serial.gram.centredGram == reference.gram.centredGram, "threads only change who works a part")
        #expect(serial.gram.totals == reference.gram.totals)
        #expect(reference.gram.totals.dataHashes?.count == reference.gram.checkpointCount)
    }

    /// With `hashesData`, each checkpoint's fingerprint is the XXH3-64 of its selected tensors'
    /// stored bytes back to back in layout order (computed here from whole tensors), whatever the
    /// chunk size and thread count; the component pass reads the same bytes. Without it there is
    /// no fingerprint, and nothing else changes.
    @Test func dataHashesAreXXH3OfTheSelectedBytes() throws {
        for name in ["mixed", "sharded"] {
            let set = try CheckpointSet.open([CheckpointFixtures.path(name)])
            let expected = try set.checkpoints.map { checkpoint in
                var hash = XXH3Hash()
                for tensor in checkpoint.tensors { hash.update(try tensor.source.bytes(at: 0, count: tensor.source.byteCount)) }
                return hash.hexDigest()
            }
            for chunk in [3, 1000] {
                for threads in [1, 2] {
                    let streamer = CheckpointStreamer(set: set, chunkElements: chunk, hashesData: true)
                    let gram = try ThreadLimitScope.with(threads) { try StreamedGram.accumulate(streamer) }
                    #expect(gram.totals.dataHashes == expected, "\(name) chunk \(chunk) threads \(threads)")
                    let plain = try ThreadLimitScope.with(threads) {
                        try StreamedGram.accumulate(CheckpointStreamer(set: set, chunkElements: chunk))
                    }
                    #expect(plain.totals.dataHashes == nil)
                    #expect(plain.centredGram == gram.centredGram && plain.totals.sumsOfSquares == gram.totals.sumsOfSquares)
                }
            }
        }
    }

    /// Per-tensor and per-layer spectra against NumPy's SVD of each group's columns, and the
    /// additivity of Gram matrices over parameters. Small groups (head.bias: 5 parameters)
    /// have eigenvalues down to ~1e-7 of their largest, where ε·λ₁ round-off is ~1e-9 relative:
    /// those are compared to 1e-12·λ₁ absolute instead (the same bound, stated absolutely).
    @Test(arguments: [ParameterGrouping.tensor, .layer])
    func groupSpectraMatchNumPy(grouping: ParameterGrouping) throws {
        let answer = try CheckpointFixtures.answer("trajectory")
        let (set, result) = try analyse("trajectory", chunk: 100, grouping: grouping)
        let expected = grouping == .tensor ? answer.perTensor : answer.perLayer
        #expect(Set(result.groups.map(\.name)) == Set(expected.keys))
        #expect(result.groups.reduce(0) { $0 + $1.pca.parameterCount } == set.layout.parameterCount)
        for group in result.groups {
            let truth = try #require(expected[group.name])
            #expect(group.pca.parameterCount == truth.parameters)
            let largest = truth.eigenvalues[0]
            #expect(group.pca.spectrum.eigenvalues.count == truth.eigenvalues.count)
            for (ours, theirs) in zip(group.pca.spectrum.eigenvalues, truth.eigenvalues) {
                #expect(isApproximatelyEqual(ours, theirs, relativeTolerance: Tolerance.peerFloat64Answer, absoluteTolerance: Tolerance.roundOffOfThousandsOfOperations * largest),
                        "\(group.name)")
            }
            #expect(group.pca.spectrum.componentsForStandardFractions == truth.componentsFor, "\(group.name)")
        }
        var sum = [Double](repeating: 0, count: result.gram.centredGram.storage.count)
        for gram in result.gram.groupGrams { for index in sum.indices { sum[index] += gram.storage[index] } }
        #expect(sum == result.gram.centredGram.storage, "the total is the sum of the groups, added in the same order")
        let whole = try analyse("trajectory").1
        #expect(CheckpointFixtures.largestDifference(result.pca.spectrum.eigenvalues, whole.pca.spectrum.eigenvalues,
                                                     scale: whole.pca.spectrum.eigenvalues[0]) <= Tolerance.roundOffOfThousandsOfOperations)
    }

    /// The second pass writes vₖ = Xcᵀuₖ/√λₖ: NumPy's right singular vectors (same signs), to
    /// 1e-9 absolute (unit vectors; perturbation ≈ ε·λ₁/gap ≈ 1e-13), orthonormal to 1e-9,
    /// and consistent with the coordinates (Xc·vₖ = √λₖ·uₖ is how NumPy's scores are defined).
    @Test func savedDirectionsMatchNumPy() throws {
        let answer = try CheckpointFixtures.answer("trajectory")
        let set = try CheckpointSet.open([CheckpointFixtures.path("trajectory")])
        let streamer = CheckpointStreamer(set: set, chunkElements: 100, hashesData: true)
        let result = try TrajectoryResult.analyse(streamer)
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("v.npy").path
        let totals = try ComponentDirections.write(streamer, pca: result.pca, count: 3, to: file)
        #expect(totals.dataHashes == result.gram.totals.dataHashes, "the second pass reads the same bytes")
        let directions = try NpyReader.read(path: file).matrix(as: Double.self)
        #expect(directions.rows == 3 && directions.columns == answer.parameters)
        // Our columns follow the first checkpoint's file order; NumPy's follow `answer.tensors`.
        func inNumPyOrder(_ row: ArraySlice<Double>) throws -> [Double] {
            var values: [Double] = []
            for name in answer.tensors {
                let entry = try #require(set.layout.entries.first { $0.name == name })
                values += row[(row.startIndex + entry.firstParameter)..<(row.startIndex + entry.parameterRange.upperBound)]
            }
            return values
        }
        #expect(set.layout.entries.map(\.name) != answer.tensors, "the reordering below is exercised")
        let orthonormality = 1e-9  // each vₖ is perturbed by ≈ ε·λ₁/gap ≈ 1e-13 (see above)
        for k in 0..<3 {
            #expect(CheckpointFixtures.largestDifference(try inNumPyOrder(directions.row(k)), answer.directionsTop3[k]) <= Tolerance.peerFloat64Answer,
                    "v\(k + 1)")
            for l in 0..<3 {
                let dot = zip(directions.row(k), directions.row(l)).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(dot - (k == l ? 1 : 0)) <= orthonormality)
            }
        }
    }

    /// More directions than the data resolve are refused by the writer's precondition, so the
    /// resolved count must be right: n − 1 nonzero eigenvalues for these n = 12 checkpoints.
    @Test func resolvedComponentsAreTheNonzeroEigenvalues() throws {
        let (_, result) = try analyse("trajectory")
        #expect(result.pca.spectrum.componentCount == 11)
        #expect(result.pca.resolvedComponentCount == 11)
        // Two identical checkpoints: one point twice, so nothing varies along a second axis.
        let base = try CheckpointFixtures.path("mismatch/base.safetensors")
        let twice = try CheckpointSet(paths: [base, base])
        let gram = try StreamedGram.accumulate(CheckpointStreamer(set: twice))
        let pca = try GramPCA(centredGram: gram.centredGram, parameterCount: gram.parameterCount)
        #expect(pca.spectrum.totalVariance == 0 && pca.resolvedComponentCount == 0)
        #expect(pca.spectrum.componentsFor(fraction: 0.9) == 0)
        #expect(pca.spectrum.explainedVarianceRatio == [0])
    }

    /// A NaN is reported with its checkpoint, tensor and element (a[7] in the fixture).
    @Test func nonFiniteValueNamesCheckpointTensorAndElement() throws {
        let base = try CheckpointFixtures.path("mismatch/base.safetensors")
        let bad = try CheckpointFixtures.path("mismatch/nan.safetensors")
        let set = try CheckpointSet(paths: [base, bad])
        let error = try #require(throws: MindSpaceError.self) {
            _ = try StreamedGram.accumulate(CheckpointStreamer(set: set, chunkElements: 5))
        }
        #expect(error.kind == .malformedData)
        #expect(error.file == bad)
        #expect(error.description.contains("'a'") && error.description.contains("NaN at element 7"))
    }

    /// The widening fast paths give exactly what `ElementDecoding` gives, for every dtype and
    /// both byte orders, over random bit patterns (NaNs compared as NaNs); the eight-lane sums
    /// agree with a plain loop to round-off (1e-12 relative on sums of 257 values in [0, 1)).
    @Test func rowWideningMatchesElementDecoding() throws {
        var generator = SeededGenerator(seed: 3)
        let count = 257
        for dtype in DType.allCases {
            for order in [ByteOrder.little, .big] {
                var raw = [UInt8](repeating: 0, count: count * dtype.byteSize)
                for index in raw.indices { raw[index] = UInt8(truncatingIfNeeded: generator.next()) }
                var expected = [Double](repeating: 0, count: count)
                raw.withUnsafeBytes { bytes in
                    expected.withUnsafeMutableBufferPointer {
                        ElementDecoding.decode(bytes, dtype: dtype, byteOrder: order, into: $0)
                    }
                }
                var widened = [Double](repeating: 0, count: count)
                raw.withUnsafeBytes { bytes in
                    widened.withUnsafeMutableBufferPointer { target in
                        guard let source = bytes.baseAddress, let base = target.baseAddress else { return }
                        RowWidening.widen(source, count: count, dtype: dtype, byteOrder: order, into: base)
                    }
                }
                let same = zip(widened, expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
                #expect(same, "\(dtype) \(order)")
            }
        }
        let values = (0..<count).map { _ in generator.nextUnitDouble() }
        var row = values
        let totals = try row.withUnsafeMutableBufferPointer {
            GramKernels.differenceRow(widening: nil, values: try #require($0.baseAddress), minus: nil, count: count)
        }
        #expect(row == values, "without a reference the row is left as it was")
        let sum = values.reduce(0, +), squares = values.reduce(0) { $0 + $1 * $1 }
        #expect(isApproximatelyEqual(totals.sum, sum, relativeTolerance: Tolerance.roundOffOfThousandsOfOperations)
                && isApproximatelyEqual(totals.squares, squares, relativeTolerance: Tolerance.roundOffOfThousandsOfOperations))
    }

    /// The chunk plan covers every parameter once, in order, never wider than asked and never
    /// across two groups.
    @Test(arguments: [ParameterGrouping.none, .tensor, .layer])
    func chunkPlanCoversEveryParameterOnce(grouping: ParameterGrouping) throws {
        let layout = ParameterLayout(tensors: [("a.weight", [3, 5]), ("a.bias", [3]), ("empty", [0, 4]),
                                               ("b.weight", [2, 7]), ("b.bias", [])])
        #expect(layout.parameterCount == 15 + 3 + 0 + 14 + 1)
        let groups = layout.groups(by: grouping)
        for width in [1, 2, 4, 16, 100] {
            let chunks = layout.chunks(maximumWidth: width, grouping: grouping)
            var next = 0
            for chunk in chunks {
                #expect(chunk.parameters.lowerBound == next && chunk.width <= width && chunk.width > 0)
                var column = 0
                for segment in chunk.segments {
                    let entry = layout.entries[segment.tensor]
                    #expect(segment.column == column)
                    #expect(entry.firstParameter + segment.elements.lowerBound == next + column)
                    #expect(groups[chunk.group].tensors.contains(segment.tensor))
                    column += segment.elements.count
                }
                #expect(column == chunk.width)
                next = chunk.parameters.upperBound
            }
            #expect(next == layout.parameterCount)
        }
    }
}
