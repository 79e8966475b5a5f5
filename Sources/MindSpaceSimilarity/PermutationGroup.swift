import MindSpaceCore

/// One set of interchangeable units of a network (the hidden units of one layer, the channels of
/// one convolution): every (tensor, axis) pair whose index runs over those units, so that
/// permuting all of them together leaves the network's function unchanged (Ainsworth, Hayase &
/// Srinivasa 2023, "Git Re-Basin", §3: the permutation symmetries of a network).
///
/// For a dense layer `h = σ(W x + b)` feeding `W' h`, the group is {(W, 0), (b, 0), (W', 1)}.
public struct PermutationGroup: Codable, Equatable, Sendable {
    /// One (tensor, axis) pair of a group.
    public struct Member: Codable, Equatable, Hashable, Sendable {
        public var tensor: String
        public var axis: Int

        public init(tensor: String, axis: Int) {
            self.tensor = tensor
            self.axis = axis
        }
    }

    /// A name for reports (`fc1` for the units fc1 produces).
    public var name: String
    public var members: [Member]

    public init(name: String, members: [Member]) {
        self.name = name
        self.members = members
    }

    /// The number of units of each group, after checking the groups against tensor shapes:
    /// every member names a tensor of `shapes`, an axis inside its rank, all members of a group
    /// have the same length, and no (tensor, axis) belongs to two groups. Errors name the group
    /// and the member (the caller adds the spec file).
    public static func sizes(of groups: [PermutationGroup], shapes: [String: [Int]]) throws -> [Int] {
        var seen: [Member: String] = [:]
        var sizes: [Int] = []
        for group in groups {
            guard !group.members.isEmpty else {
                throw MindSpaceError.malformed(nil, "permutation group \(group.name) has no members")
            }
            var size: Int?
            for member in group.members {
                guard let shape = shapes[member.tensor] else {
                    throw MindSpaceError.malformed(nil,
                        "permutation group \(group.name) names tensor \(member.tensor), which the model does not have")
                }
                guard member.axis >= 0 && member.axis < shape.count else {
                    throw MindSpaceError.malformed(nil,
                        "permutation group \(group.name): tensor \(member.tensor) has no axis \(member.axis) (rank \(shape.count))")
                }
                if let other = seen[member] {
                    throw MindSpaceError.malformed(nil,
                        "tensor \(member.tensor) axis \(member.axis) is in both permutation groups \(other) and \(group.name)")
                }
                seen[member] = group.name
                let length = shape[member.axis]
                if let size, size != length {
                    throw MindSpaceError.malformed(nil,
                        "permutation group \(group.name): tensor \(member.tensor) axis \(member.axis) has \(length) units, others \(size)")
                }
                size = length
            }
            sizes.append(size ?? 0)
        }
        return sizes
    }
}
