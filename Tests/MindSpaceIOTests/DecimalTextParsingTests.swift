import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// The decimal fast path against glibc's `strtod` (correctly rounded: the independent truth).
@Suite struct DecimalTextParsingTests {
    /// Parses `text` with the reader's parser (NUL-terminated, as the reader guarantees).
    private func parsed(_ text: String) -> Double? {
        var bytes = Array(text.utf8)
        let count = bytes.count
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            DecimalTextParsing.parseDouble(buffer.baseAddress!, buffer.baseAddress! + count)
        }
    }

    private func reference(_ text: String) -> Double {
        text.withCString { strtod($0, nil) }
    }

    private func sameBits(_ a: Double?, _ b: Double) -> Bool {
        guard let a else { return false }
        return (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
    }

    @Test(arguments: [
        // Ties at 2^53 + 1 and 2^53 + 3: to even, through the multiply and the divide paths.
        "9007199254740993", "9007199254740995", "9007199254740993.0", "900719925474099.3e1",
        "9007199254740993e-1", "18014398509481985", "18014398509481987.00",
        // 19 significant digits (numpy's %.18e), both exponent signs, both path limits.
        "1.234567890123456789e-02", "-9.999999999999999999e+08", "9.999999999999999999e-09",
        "1.000000000000000000e+00", "1e27", "1e-27", "1.5e28", "1.5e-28", "9999999999999999999e-27",
        "0.1", "0.2", "0.3", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
        "-0", "-0.0", "+0.5", ".5", "5.", "00012.5000", "1E5", "1e+05", "123456789012345678",
        "1e-400", "1e400", "nan", "-inf", "Infinity", "0x1p-3",
    ])
    func agreesWithStrtodOnEdgeCases(_ text: String) {
        #expect(sameBits(parsed(text), reference(text)), "\(text)")
    }

    @Test(arguments: ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ", "abc", "--1", "0x"])
    func refusesWhatIsNotExactlyOneNumber(_ text: String) {
        #expect(parsed(text) == nil, "\(text)")
    }

    @Test func agreesWithStrtodOnRandomDecimals() {
        // Random digit strings of 1–20 significant digits, a random point position and an
        // exponent in [-35, 35]: covers the fast path, its limits and the fallback.
        var generator = SeededGenerator(seed: 2024)
        var mismatches: [String] = []
        for _ in 0..<200_000 {
            let digitCount = 1 + generator.nextIndex(below: 20)
            var digits = (0..<digitCount).map { _ in Character(String(generator.nextIndex(below: 10))) }
            if generator.nextIndex(below: 2) == 0 {
                digits.insert(".", at: generator.nextIndex(below: digitCount + 1))
            }
            var text = (generator.nextIndex(below: 2) == 0 ? "-" : "") + String(digits)
            if generator.nextIndex(below: 3) != 0 {
                text += "e\(generator.nextIndex(below: 71) - 35)"
            }
            if !sameBits(parsed(text), reference(text)) { mismatches.append(text) }
        }
        #expect(mismatches.count == 0, "first mismatches: \(mismatches.prefix(10))")
    }
}
