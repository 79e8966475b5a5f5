import Foundation
import MindSpaceCore
import MindSpaceSimilarity

/// `--spec FILE.json`: permutation groups given by hand, for architectures whose groups cannot be
/// inferred (attention heads, residual streams, convolution-to-dense flattens):
///
///     {"groups": [{"name": "fc1", "members": [{"tensor": "fc1.weight", "axis": 0},
///                                             {"tensor": "fc1.bias", "axis": 0},
///                                             {"tensor": "fc2.weight", "axis": 1}]}]}
///
/// Each group lists every (tensor, axis) pair indexed by the same units; `PermutationGroup.sizes`
/// then checks them against the model.
package enum PermutationSpecFile {
    struct Contents: Decodable {
        var groups: [PermutationGroup]
    }

    /// The groups of the spec at `path`: missing → `.missingInput`, not this shape of JSON or
    /// duplicate group names → `.malformedData`.
    package static func read(_ path: String) throws -> [PermutationGroup] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MindSpaceError(.missingInput, file: path, "cannot read the permutation spec")
        }
        let contents: Contents
        do {
            contents = try JSONDecoder().decode(Contents.self, from: data)
        } catch {
            throw MindSpaceError.malformed(path,
                "not a permutation spec: expected {\"groups\": [{\"name\": …, \"members\": [{\"tensor\": …, \"axis\": …}]}]}")
        }
        var names = Set<String>()
        for group in contents.groups where !names.insert(group.name).inserted {
            throw MindSpaceError.malformed(path, "permutation group \(group.name) is listed twice")
        }
        if contents.groups.isEmpty { throw MindSpaceError.malformed(path, "the permutation spec lists no groups") }
        return contents.groups
    }
}
