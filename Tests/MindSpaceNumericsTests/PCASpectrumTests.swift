import Testing
@testable import MindSpaceNumerics

/// `PCASpectrum`, the one spectrum type of `PCA` and `GramPCA`: its conventions on a spectrum
/// worked by hand.
@Suite struct PCASpectrumTests {
    /// Scatter eigenvalues 18, 2 and a round-off negative, trace 20, of n = 4 points: variances
    /// 6, 2/3, 0 (divisor 3), total 20/3, ratios 0.9, 0.1, 0. Every value is a few roundings
    /// from its exact value, so 1e-15 relative is ample.
    @Test func dividesByNMinusOneAndClampsRoundOff() {
        let spectrum = PCASpectrum(scatterEigenvalues: [18, 2, -1e-15], scatterTrace: 20, pointCount: 4)
        #expect(spectrum.eigenvalues == [18, 2, 0])
        #expect(spectrum.explainedVariance == [6, 2.0 / 3, 0])
        #expect(abs(spectrum.totalVariance - 20.0 / 3) <= 1e-15 * 20 / 3)
        #expect(zip(spectrum.explainedVarianceRatio, [0.9, 0.1, 0]).allSatisfy { abs($0 - $1) <= 1e-15 })
        #expect(spectrum.singularValues == [(18.0).squareRoot(), (2.0).squareRoot(), 0])
        #expect(spectrum.componentCount == 3)
        // 90 % is reached by the first component exactly (up to the 1e-12 allowance), 95 % needs two.
        #expect(spectrum.componentsFor(fraction: 0.9) == 1)
        #expect(spectrum.componentsFor(fraction: 0.95) == 2)
        #expect(spectrum.componentsFor(fraction: 0) == 0)
        #expect(spectrum.componentsFor(fraction: 2) == 3, "never reached: every component")
        #expect(spectrum.componentsForStandardFractions == ["0.5": 1, "0.9": 1, "0.99": 2])
    }

    /// All points equal: nothing to explain, so every ratio and every count is 0.
    @Test func zeroTotalVarianceExplainsNothing() {
        let spectrum = PCASpectrum(scatterEigenvalues: [0, 0], scatterTrace: 0, pointCount: 3)
        #expect(spectrum.totalVariance == 0)
        #expect(spectrum.explainedVarianceRatio == [0, 0])
        #expect(spectrum.componentsForStandardFractions == ["0.5": 0, "0.9": 0, "0.99": 0])
    }
}
