import Foundation
import Testing
@testable import MindSpaceCore
import MindSpaceTestSupport

@Suite struct CoreTests {
    @Test func seededGeneratorIsReproducibleAndUniform() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        var g = SeededGenerator(seed: 1)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n { let x = g.nextGaussian(); sum += x; sumSquares += x * x }
        // Standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032; allow 5σ.
        #expect(abs(sum / Double(n)) < 0.012)
        #expect(abs(sumSquares / Double(n) - 1) < 0.016)
    }

    @Test func matrixTransposeAndNonFinite() {
        var m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        #expect(m.transposed() == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(m.firstNonFinite() == nil)
        m[1, 2] = .nan
        #expect(m.firstNonFinite()! == (1, 2))
    }
}

/// `Warnings`: one line each, to a task's handler when one is bound.
@Suite struct WarningsTests {
    @Test func warningsAreOneLineAndGoToTheTasksHandler() {
        let lines = LockedLines()
        Warnings.$handler.withValue({ lines.append($0) }) {
            Warnings.emit("title cut to fit the figure: two\nlines\tand a bell\u{07}")
        }
        #expect(lines.all == ["title cut to fit the figure: two\\x0Alines\\x09and a bell\\x07"])
    }
}

/// Lines appended under a lock (a handler must be `@Sendable`).
private final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func append(_ line: String) { lock.withLock { lines.append(line) } }
}
