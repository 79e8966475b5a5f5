/// A shell-style name pattern (`fnmatch(3)` without flags): `*` matches any run of characters
/// (`.` and `/` included), `?` any one character, `[abc]`, `[a-z]` one character of the set and
/// `[!abc]` (or `[^abc]`) one not in it, `\x` the character x itself; everything else matches
/// itself. A `[` without its closing `]` is an ordinary character. A pattern without special
/// characters therefore matches exactly one name, itself.
///
/// Matching works on Unicode scalars; cost O(|pattern|·|name|) at worst (one backtrack point,
/// the last `*`).
struct NamePattern: Sendable, Equatable {
    private enum Token: Sendable, Equatable {
        case scalar(Unicode.Scalar)
        case anyScalar
        case anyRun
        case set(negated: Bool, ranges: [ClosedRange<UInt32>])

        func matches(_ scalar: Unicode.Scalar) -> Bool {
            switch self {
            case .scalar(let own): return own == scalar
            case .anyScalar, .anyRun: return true
            case .set(let negated, let ranges): return ranges.contains { $0.contains(scalar.value) } != negated
            }
        }
    }

    /// The pattern as written.
    let text: String
    private let tokens: [Token]

    init(_ text: String) {
        self.text = text
        tokens = Self.tokens(Array(text.unicodeScalars))
    }

    /// Whether the pattern contains `*`, `?` or a `[...]` set (else it names one name).
    var isGlob: Bool { tokens.contains { if case .scalar = $0 { return false } else { return true } } }

    /// Whether `name` matches the whole pattern.
    func matches(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        var p = 0, s = 0
        var star: (token: Int, scalar: Int)?
        while s < scalars.count {
            if p < tokens.count, tokens[p] == .anyRun {
                star = (p, s)
                p += 1
            } else if p < tokens.count, tokens[p].matches(scalars[s]) {
                p += 1
                s += 1
            } else if let last = star {
                // Let the last `*` take one more character and retry from there.
                star = (last.token, last.scalar + 1)
                p = last.token + 1
                s = last.scalar + 1
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .anyRun { p += 1 }
        return p == tokens.count
    }

    private static func tokens(_ scalars: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            switch scalar {
            case "*":
                if tokens.last != .anyRun { tokens.append(.anyRun) }
                i += 1
            case "?":
                tokens.append(.anyScalar)
                i += 1
            case "\\" where i + 1 < scalars.count:
                tokens.append(.scalar(scalars[i + 1]))
                i += 2
            case "[":
                if let (set, end) = bracketSet(scalars, from: i) {
                    tokens.append(set)
                    i = end
                } else {
                    tokens.append(.scalar(scalar))
                    i += 1
                }
            default:
                tokens.append(.scalar(scalar))
                i += 1
            }
        }
        return tokens
    }

    /// The set opened by the `[` at `start` and the index after its `]`, or nil when it is not
    /// closed. A `]` right after `[` (or `[!`) is a member, as in `fnmatch`.
    private static func bracketSet(_ scalars: [Unicode.Scalar], from start: Int) -> (Token, Int)? {
        var j = start + 1
        let negated = j < scalars.count && (scalars[j] == "!" || scalars[j] == "^")
        if negated { j += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while j < scalars.count {
            let low = scalars[j]
            if low == "]" && !first { return (.set(negated: negated, ranges: ranges), j + 1) }
            first = false
            if j + 2 < scalars.count, scalars[j + 1] == "-", scalars[j + 2] != "]" {
                let high = scalars[j + 2]
                if low.value <= high.value { ranges.append(low.value...high.value) }
                j += 3
            } else {
                ranges.append(low.value...low.value)
                j += 1
            }
        }
        return nil
    }
}
