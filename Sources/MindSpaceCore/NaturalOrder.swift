/// "Natural" ordering of names, so that checkpoints listed from a folder come in training order
/// and a model's layers in depth order: `step_2` before `step_10`, `layer9` before `layer10`,
/// which plain string order gets wrong whenever numbers are not zero-padded.
///
/// Rule: both names are cut into runs of ASCII digits and runs of everything else. Digit runs
/// compare by numeric value (leading zeros ignored; compared as digit strings, so numbers of any
/// length work without overflow); other runs compare by Unicode scalar values (case-sensitive,
/// like `ls` in the C locale). A name that is a prefix of the other, run by run, comes first.
/// Names equal under this rule (`epoch_01` and `epoch_1`) fall back to plain scalar order, so
/// the order is total and deterministic.
///
/// Complexity: O(length of the shorter name) per comparison.
public enum NaturalOrder {
    /// `true` when `a` comes before `b` in natural order (usable with `sorted(by:)`).
    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        compare(a, b) < 0
    }

    /// −1, 0 or +1 as `a` comes before, equals, or comes after `b` in natural order.
    public static func compare(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0, j = 0
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                let endX = digitRunEnd(x, from: i), endY = digitRunEnd(y, from: j)
                let order = compareNumbers(x[i..<endX], y[j..<endY])
                if order != 0 { return order }
                i = endX
                j = endY
                continue
            }
            if x[i] != y[j] { return x[i].value < y[j].value ? -1 : 1 }
            i += 1
            j += 1
        }
        if i < x.count { return 1 }
        if j < y.count { return -1 }
        // Equal run by run (differing only in leading zeros): plain order decides.
        if a == b { return 0 }
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value } ? -1 : 1
    }

    /// `paths` in natural order of the whole path (so `runs/seed2/…` comes before
    /// `runs/seed10/…`, and within one folder the file names decide).
    public static func sorted(_ paths: [String]) -> [String] {
        paths.sorted(by: areInIncreasingOrder)
    }

    @inline(__always)
    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    private static func digitRunEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < scalars.count && isDigit(scalars[end]) { end += 1 }
        return end
    }

    /// Compares two digit runs by value: strip leading zeros, then the longer is larger, then
    /// digit by digit.
    private static func compareNumbers(_ a: ArraySlice<Unicode.Scalar>, _ b: ArraySlice<Unicode.Scalar>) -> Int {
        let x = a.drop { $0 == "0" }, y = b.drop { $0 == "0" }
        if x.count != y.count { return x.count < y.count ? -1 : 1 }
        for (p, q) in zip(x, y) where p != q { return p.value < q.value ? -1 : 1 }
        return 0
    }
}
