/// How `mindspace` reads what people type before swift-argument-parser sees it, and how it
/// words the parser's errors as the promised one line (shared/cli.md).
enum ArgumentNormalisation {
    /// The arguments with `--name -5` written as `--name=-5`: swift-argument-parser reads a
    /// token that starts with `-` as an option, so `--seed -1` or `--k -5` would otherwise fail
    /// with "Missing value for '--k <k>'" instead of reaching the option's own check. Only a
    /// token that is a whole number in decimal notation (`-5`, `-0.5`, `-1e-3`, `-.5`) following
    /// a long option without `=` is joined; everything else is left as typed (so a flag followed
    /// by a negative number still fails, now naming the flag).
    static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {  // everything after `--` is positional, as typed
                result.append(contentsOf: arguments[index...])
                break
            }
            if argument.hasPrefix("--"), argument.count > 2, !argument.contains("="),
               index + 1 < arguments.count, isNegativeNumber(arguments[index + 1]) {
                result.append("\(argument)=\(arguments[index + 1])")
                index += 2
                continue
            }
            result.append(argument)
            index += 1
        }
        return result
    }

    /// Whether `token` is `-` followed by a decimal number (digits with an optional fraction and
    /// exponent), or `-inf`/`-nan`, the spellings `Double` accepts.
    static func isNegativeNumber(_ token: String) -> Bool {
        guard token.hasPrefix("-"), token.count > 1 else { return false }
        let body = token.dropFirst()
        if ["inf", "infinity", "nan"].contains(body.lowercased()) { return true }
        guard let first = body.first, first.isASCII, first.isNumber || first == "." else { return false }
        return Double(body) != nil
    }

    /// The parser's message as one line: its first line, with a bulleted list of allowed values
    /// that follows ("Please provide one of the following:\n  - pca\n  - random…") folded into
    /// it ("… one of the following: pca, random, …"), and without a leading "Error: ".
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard var first = lines.first else { return "invalid arguments" }
        if first.hasPrefix("Error: ") { first.removeFirst(7) }
        let bullets = lines.dropFirst().prefix { $0.hasPrefix("  - ") }.map { String($0.dropFirst(4)) }
        if first.hasSuffix(":"), !bullets.isEmpty {
            first += " " + bullets.joined(separator: ", ")
        }
        return first
    }
}

extension ArgumentNormalisation {
    /// Whether the command line asks for JSON output (`--json` before any `--`), read before
    /// parsing so that a command line the parser refuses still answers in JSON.
    static func requestsJSON(_ arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains("--json")
    }
}
