import MindSpaceCore

/// The groups of a labelled point set: each distinct label, in order of first appearance, with
/// the rows that carry it; and the choice of the pair of groups to compare.
public struct LabelledGroups: Sendable, Equatable {
    /// One group: its label and its rows (ascending).
    public struct Group: Sendable, Equatable {
        public var name: String
        public var members: [Int]
    }

    /// The groups in order of first appearance in the labels.
    public var groups: [Group]

    /// Groups of `labels` (one per point).
    public init(labels: [String]) {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (row, label) in labels.enumerated() {
            if members[label] == nil { order.append(label) }
            members[label, default: []].append(row)
        }
        groups = order.map { Group(name: $0, members: members[$0] ?? []) }
    }

    /// The group called `name`, if any.
    public func group(named name: String) -> Group? {
        groups.first { $0.name == name }
    }

    /// The pair to compare: `requested` (A, B) by name, or by default the two largest groups
    /// (ties to the earlier), ordered by first appearance in the labels. Throws `.usage` naming
    /// `option` when a requested name is no group, when both name the same group, or when there
    /// are fewer than two groups.
    public func pair(_ requested: (String, String)?, option: String = "--pair") throws -> (first: Group, second: Group) {
        guard groups.count >= 2 else {
            throw MindSpaceError(.malformedData, "the labels name \(groups.count) group\(groups.count == 1 ? "" : "s"); comparing groups needs at least 2")
        }
        if let requested {
            let names = groups.map(\.name)
            func find(_ name: String) throws -> Group {
                guard let group = group(named: name) else {
                    let shown = names.prefix(20).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 20 ? ", …" : "")
                    throw MindSpaceError(.usage, "\(option): no group named '\(name)'; the groups are \(shown)")
                }
                return group
            }
            guard requested.0 != requested.1 else {
                throw MindSpaceError(.usage, "\(option): name two different groups, got '\(requested.0)' twice")
            }
            return (try find(requested.0), try find(requested.1))
        }
        let bySize = groups.indices.sorted { groups[$0].members.count != groups[$1].members.count
            ? groups[$0].members.count > groups[$1].members.count : $0 < $1 }
        let chosen = bySize.prefix(2).sorted()
        return (groups[chosen[0]], groups[chosen[1]])
    }
}
