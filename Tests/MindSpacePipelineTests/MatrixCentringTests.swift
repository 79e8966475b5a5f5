import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
@testable import MindSpacePipeline
import MindSpaceTestSupport

/// `Matrix.centreColumns` and the translation invariance `mindspace id` relies on when it centres
/// the points before estimating.
@Suite struct MatrixCentringTests {
    /// Means are the Double means of the columns (rounded to the scalar type), the centred
    /// columns then average to ~0 (float32 rounding of each subtraction: |mean| ≤ 2⁻²⁴·max|x|),
    /// and identical rows stay identical.
    @Test func centresEveryColumnAndKeepsIdenticalRowsIdentical() {
        var generator = SeededGenerator(seed: 3)
        var rows = (0..<200).map { _ in (0..<5).map { column in Float(100 * column) + Float(generator.nextGaussian()) } }
        rows.append(rows[17])
        var matrix = Matrix(rows)
        let original = matrix
        let means = matrix.centreColumns()
        let float32Subtraction = 1e-5  // 2⁻²⁴ ≈ 6e-8 of each value, with margin
        for column in 0..<5 {
            let exact = (0..<201).reduce(0.0) { $0 + Double(original[$1, column]) } / 201
            #expect(means[column] == Float(exact))
            let after = (0..<201).reduce(0.0) { $0 + Double(matrix[$1, column]) } / 201
            #expect(abs(after) <= float32Subtraction * 400, "column \(column): mean after centring \(after)")
            for row in 0..<201 { #expect(matrix[row, column] == original[row, column] - means[column]) }
        }
        #expect(matrix.row(200) == matrix.row(17))
    }

    /// `mindspace id` centres its input; an ID estimate does not depend on translation, so data
    /// moved 10⁴ spreads away from the origin gives the same TwoNN estimate as the data near it.
    /// In float64 the centred coordinates differ from the originals by ≤ 2⁻⁵³·10⁴ relative to
    /// the spread, so distances and the estimate agree to ~1e-11; 1e-8 is ample.
    @Test func idEstimateIgnoresACommonOffset() throws {
        var generator = SeededGenerator(seed: 9)
        let n = 1500, d = 12
        let basis = (0..<(3 * d)).map { _ in generator.nextGaussian() }
        var near: [Double] = [], far: [Double] = []
        for _ in 0..<n {
            let latent = (0..<3).map { _ in generator.nextUnitDouble() }
            for column in 0..<d {
                let value = (0..<3).reduce(0.0) { $0 + latent[$1] * basis[$1 * d + column] }
                near.append(value)
                far.append(value + 1e4)
            }
        }
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var estimates: [Double] = []
        for (name, values) in [("near", near), ("far", far)] {
            let path = folder.appendingPathComponent("\(name).npy").path
            try NpyWriter.encode(Matrix(rows: n, columns: d, storage: values)).write(to: URL(fileURLWithPath: path))
            let report = try IDJob(dataPath: path, estimatorNames: ["twonn"],
                                   outputFolder: folder.appendingPathComponent(name).path).run()
            estimates.append(try #require(report.estimates.first).dimension)
        }
        let translationRoundOff = 1e-8
        #expect(abs(estimates[0] - estimates[1]) <= translationRoundOff * estimates[0], "\(estimates)")
        #expect(abs(estimates[0] - 3) < 0.5, "a 3-dimensional set: \(estimates[0])")
    }
}
