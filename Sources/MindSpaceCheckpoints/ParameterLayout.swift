/// The flattened parameter vector shared by every checkpoint of a set: the selected tensors in
/// the first checkpoint's file order, each flattened in its storage order (row-major for
/// safetensors and C-order `.npy`), concatenated. Parameter j of every checkpoint is the same
/// weight, which is what makes checkpoints points of one p-dimensional space.
///
/// The layout also plans the streaming walk: `chunks(maximumWidth:grouping:)` cuts the vector into
/// consecutive ranges of at most `maximumWidth` parameters, never spanning two groups.
public struct ParameterLayout: Sendable, Equatable {
    /// One selected tensor's place in the vector.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        /// Index of the tensor's first element in the flattened vector.
        public let firstParameter: Int
        /// Its element count (product of `shape`).
        public let parameterCount: Int
        public var parameterRange: Range<Int> { firstParameter..<(firstParameter + parameterCount) }
    }

    /// A piece of one tensor inside a chunk: elements `elements` of tensor `tensor` (an index
    /// into `entries`), landing at column `column` of the chunk's block.
    public struct Segment: Sendable, Equatable {
        public let tensor: Int
        public let elements: Range<Int>
        public let column: Int
    }

    /// A range of consecutive parameters read together: one n×width block.
    public struct Chunk: Sendable, Equatable {
        /// The parameters covered, in flattened-vector indices.
        public let parameters: Range<Int>
        /// The group (index into `groups(by:)`) all of the chunk's parameters belong to.
        public let group: Int
        public let segments: [Segment]
        public var width: Int { parameters.count }
    }

    /// A set of tensors analysed together (see `ParameterGrouping`).
    public struct Group: Sendable, Equatable {
        public let name: String
        /// Indices into `entries`, in layout order.
        public let tensors: [Int]
        public let parameterCount: Int
    }

    public let entries: [Entry]
    /// p, the length of the flattened vector.
    public let parameterCount: Int

    /// The layout of tensors with these names and shapes, in this order.
    public init(tensors: [(name: String, shape: [Int])]) {
        var entries: [Entry] = []
        var next = 0
        for tensor in tensors {
            let count = tensor.shape.reduce(1, *)
            entries.append(Entry(name: tensor.name, shape: tensor.shape, firstParameter: next, parameterCount: count))
            next += count
        }
        self.entries = entries
        parameterCount = next
    }

    /// The groups under `grouping`, in order of their first tensor. `.none` gives one group
    /// holding every tensor.
    public func groups(by grouping: ParameterGrouping) -> [Group] {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            let name = grouping.groupName(ofTensor: entry.name)
            if members[name] == nil { order.append(name) }
            members[name, default: []].append(index)
        }
        return order.map { name in
            let tensors = members[name] ?? []
            return Group(name: name, tensors: tensors, parameterCount: tensors.reduce(0) { $0 + entries[$1].parameterCount })
        }
    }

    /// The streaming walk: consecutive chunks covering every parameter once, in order, each at
    /// most `maximumWidth` wide and inside one group of `grouping`. Zero-size tensors contribute
    /// nothing. The plan depends only on the layout, the width and the grouping.
    public func chunks(maximumWidth: Int, grouping: ParameterGrouping) -> [Chunk] {
        precondition(maximumWidth >= 1)
        var groupOfTensor = [Int](repeating: 0, count: entries.count)
        for (groupIndex, group) in groups(by: grouping).enumerated() {
            for tensor in group.tensors { groupOfTensor[tensor] = groupIndex }
        }
        var chunks: [Chunk] = []
        var segments: [Segment] = []
        var chunkStart = 0, width = 0, currentGroup = -1
        func flush() {
            if width > 0 {
                chunks.append(Chunk(parameters: chunkStart..<(chunkStart + width), group: currentGroup, segments: segments))
            }
            segments = []
            chunkStart += width
            width = 0
        }
        for (index, entry) in entries.enumerated() where entry.parameterCount > 0 {
            if groupOfTensor[index] != currentGroup {
                flush()
                currentGroup = groupOfTensor[index]
            }
            var element = 0
            while element < entry.parameterCount {
                if width == maximumWidth { flush() }
                let take = min(maximumWidth - width, entry.parameterCount - element)
                segments.append(Segment(tensor: index, elements: element..<(element + take), column: width))
                width += take
                element += take
            }
        }
        flush()
        return chunks
    }
}
