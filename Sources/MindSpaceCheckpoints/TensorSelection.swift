import Foundation
import MindSpaceCore

/// Which tensors of a checkpoint take part in an analysis (`--tensors REGEX`, `--exclude REGEX`).
///
/// A tensor is selected when its name contains a match of `include` (anywhere in the name, as
/// `grep -E` matches lines; anchor with `^…$` for whole names; `nil` selects every name), and
/// does not contain a match of `exclude`. Integer and boolean tensors (step counters, token ids,
/// BatchNorm's `num_batches_tracked`, masks) are not weights: they are left out unless
/// `includeIntegerTensors` is set, and the caller reports them as skipped.
///
/// Patterns use ICU regular-expression syntax (`NSRegularExpression`), which for the usual
/// cases (`layers\.[0-3]\.`, `weight$`, `attn|mlp`) is the same as Python's `re`.
public struct TensorSelection: Sendable, Equatable {
    /// Regular expression a selected name must contain a match of; `nil` for all names.
    public var include: String?
    /// Regular expression a selected name must not contain a match of; `nil` for none.
    public var exclude: String?
    /// Keep integer and boolean tensors (converted to floating point) instead of skipping them.
    public var includeIntegerTensors: Bool

    public init(include: String? = nil, exclude: String? = nil, includeIntegerTensors: Bool = false) {
        self.include = include
        self.exclude = exclude
        self.includeIntegerTensors = includeIntegerTensors
    }

    /// The two patterns compiled into one test: the returned closure tells whether a tensor name
    /// is selected (dtypes are checked separately, `keeps`). Throws `.usage` naming the option
    /// if a pattern is not a valid regular expression.
    public func nameFilter() throws -> (String) -> Bool {
        let including = try include.map { try Self.compile($0, option: "--tensors") }
        let excluding = try exclude.map { try Self.compile($0, option: "--exclude") }
        return { name in
            let range = NSRange(name.startIndex..<name.endIndex, in: name)
            if let including, including.firstMatch(in: name, options: [], range: range) == nil { return false }
            if let excluding, excluding.firstMatch(in: name, options: [], range: range) != nil { return false }
            return true
        }
    }

    /// Whether a tensor of `dtype` is kept once its name is selected.
    public func keeps(_ dtype: DType) -> Bool {
        dtype.isFloatingPoint || includeIntegerTensors
    }

    /// The options as typed, for messages: `--tensors 'x' --exclude 'y'`, or "" for all.
    public var optionsDescription: String {
        var parts: [String] = []
        if let include { parts.append("--tensors '\(include)'") }
        if let exclude { parts.append("--exclude '\(exclude)'") }
        return parts.joined(separator: " ")
    }

    private static func compile(_ pattern: String, option: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern, options: [])
        } catch {
            throw MindSpaceError(.usage, "\(option) '\(pattern)' is not a valid regular expression")
        }
    }
}
