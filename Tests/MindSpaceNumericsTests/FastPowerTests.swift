import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
import MindSpaceTestSupport

/// `FastPower` against the C library's `pow`.
@Suite struct FastPowerTests {
    /// Relative error within the documented bound: the log series' truncation (≤ 2.9e-8 in
    /// ln m, so ≤ 2.9e-8·|y| in the result), the exp polynomial's (≤ 6e-9) and rounding
    /// (a few ε·|y·log2 x|); 1e-8 covers the last two. 20000 log-uniform x in [1e-30, 1e30].
    @Test(arguments: [0.5, 0.8950608779947933, 1.334166993228519, 2.0, -1.5])
    func agreesWithTheLibraryPower(exponent y: Double) {
        var generator = SeededGenerator(seed: 17)
        var largest = 0.0
        for _ in 0..<20000 {
            let x = Foundation.pow(10, -30 + 60 * generator.nextUnitDouble())
            let expected = Foundation.pow(x, y)
            largest = max(largest, abs(FastPower.pow(x, y) / expected - 1))
        }
        let logSeriesTruncation = 2.9e-8, expPolynomialAndRounding = 1e-8
        #expect(largest <= logSeriesTruncation * abs(y) + expPolynomialAndRounding, "largest relative error \(largest)")
    }

    /// Exact cases: powers of two with integer exponents come out exactly (log2 is exact on
    /// them, the polynomial at f = 0 is exactly 1); edge values fall back to the library.
    @Test func exactAndEdgeCases() {
        #expect(FastPower.pow(8, 2) == 64)
        #expect(FastPower.pow(0.25, 3) == 1.0 / 64)
        #expect(FastPower.pow(0, 0.9) == 0)
        #expect(FastPower.pow(.infinity, 0.9) == .infinity)
        #expect(FastPower.pow(1e-310, 0.5) == Foundation.pow(1e-310, 0.5))  // subnormal
        #expect(FastPower.pow(1e300, 4) == .infinity)
    }
}
