import Foundation

/// The key paths of a JSON document, without its values: the shape a script relies on.
///
/// One path per leaf, sorted and without repeats. Object keys are joined with `.`; a key that is
/// not a plain identifier (`[A-Za-z_][A-Za-z0-9_]*`, e.g. `"0.9"`) is written `["0.9"]` so that
/// `components_for["0.9"]` cannot be read as two keys. An array adds `[]` and its elements' paths
/// are merged (the union over all elements). A scalar (string, number, boolean, null) ends a
/// path; an empty array ends as `path[]` and an empty object as `path{}`.
///
/// Example: `{"n": 3, "estimates": [{"ci": [1, 2]}], "components_for": {"0.5": 1}}` gives
/// `components_for["0.5"]`, `estimates[].ci[]`, `n`.
enum JSONKeyPaths {
    /// The sorted key paths of `json` (the bytes of one JSON value).
    static func of(_ json: Data) throws -> [String] {
        let value = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        var paths = Set<String>()
        collect(value, prefix: "", into: &paths)
        return paths.sorted()
    }

    private static func collect(_ value: Any, prefix: String, into paths: inout Set<String>) {
        if let object = value as? [String: Any] {
            if object.isEmpty { paths.insert(prefix + "{}") }
            for (key, member) in object {
                collect(member, prefix: prefix + component(key, first: prefix.isEmpty), into: &paths)
            }
        } else if let array = value as? [Any] {
            if array.isEmpty { paths.insert(prefix + "[]") }
            for element in array { collect(element, prefix: prefix + "[]", into: &paths) }
        } else {
            paths.insert(prefix)
        }
    }

    /// `key` as a path component: `.key` (bare at the start) or `["key"]` with JSON escapes.
    private static func component(_ key: String, first: Bool) -> String {
        if isIdentifier(key) { return first ? key : "." + key }
        let escaped = key.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case _ where scalar.value < 0x20: return String(format: "\\u%04x", scalar.value)
            default: return String(scalar)
            }
        }.joined()
        return "[\"" + escaped + "\"]"
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let head = key.unicodeScalars.first, head == "_" || isASCIILetter(head) else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || isASCIILetter($0) || ("0"..."9").contains($0) }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
