import MindSpaceCore
import MindSpaceIO

/// An ordered list of checkpoints (a training trajectory, or the final weights of several runs)
/// whose selected tensors line up: every checkpoint holds the same selected tensors with the
/// same shapes, so each checkpoint is one point of the same p-dimensional parameter space
/// (`layout`). Only headers are read here; element data are streamed later.
///
/// Opening applies the `TensorSelection` to every checkpoint and checks it against the first;
/// the first problem found (checkpoints in order, tensors in the first checkpoint's order) is
/// thrown as `.malformedData` naming the checkpoint, the first checkpoint, the tensor and the
/// shapes or dtypes involved:
/// - fewer than `minimumCount` checkpoints;
/// - nothing selected in the first checkpoint (the message lists what it holds);
/// - a selected tensor missing from a checkpoint, or a checkpoint with a selected tensor the
///   first lacks;
/// - a shape that differs; a tensor that is floating point in one checkpoint and integer in
///   another; a multi-dimensional tensor stored row-major in one and column-major in another
///   (flattening would not line up);
/// - selected tensors that hold no elements at all.
/// Floating-point dtypes may differ between checkpoints (F32 here, BF16 there): every value is
/// widened exactly to `Double` when read. Integer and boolean tensors are skipped unless the
/// selection keeps them; `skippedTensors` lists them (from the first checkpoint).
///
/// Memory: the headers only. Compressed `.npz` members are inflated when first read and kept
/// while the set lives, so large checkpoints should be safetensors or uncompressed `.npz`.
public struct CheckpointSet: Sendable {
    /// A tensor left out of the analysis, with the reason.
    public struct SkippedTensor: Sendable, Equatable, Codable {
        public let name: String
        public let dtype: String
        public let shape: [Int]
        public let reason: String
    }

    /// The checkpoints in order; each one's `tensors` are its selected tensors in layout order.
    public let checkpoints: [Checkpoint]
    /// The flattened parameter vector every checkpoint shares.
    public let layout: ParameterLayout
    /// Tensors of the first checkpoint matched by the name patterns but left out for their dtype.
    public let skippedTensors: [SkippedTensor]
    public let selection: TensorSelection

    /// n, the number of checkpoints.
    public var count: Int { checkpoints.count }

    /// Bytes of selected tensor data in checkpoint `index` (what one streaming pass reads from it).
    public func dataByteCount(ofCheckpoint index: Int) -> Int {
        checkpoints[index].tensors.reduce(0) { $0 + $1.elementCount * $1.dtype.byteSize }
    }

    /// Bytes of selected tensor data in all checkpoints.
    public var dataByteCount: Int { checkpoints.indices.reduce(0) { $0 + dataByteCount(ofCheckpoint: $1) } }

    /// Discovers the checkpoints named by `arguments` (files, folders, globs; see
    /// `CheckpointDiscovery`) and opens them as a set.
    public static func open(_ arguments: [String], selection: TensorSelection = TensorSelection(),
                            minimumCount: Int = 2) throws -> CheckpointSet {
        try CheckpointSet(paths: CheckpointDiscovery.checkpointPaths(arguments), selection: selection,
                          minimumCount: minimumCount)
    }

    /// Opens the checkpoint files `paths` (in this order) and checks them (see the type).
    public init(paths: [String], selection: TensorSelection = TensorSelection(), minimumCount: Int = 2) throws {
        guard paths.count >= minimumCount else {
            let listed = paths.isEmpty ? "none" : paths.joined(separator: ", ")
            throw MindSpaceError.malformed(paths.first,
                "needs at least \(minimumCount) checkpoints, found \(paths.count) (\(listed)): each checkpoint is one point")
        }
        let nameFilter = try selection.nameFilter()
        let first = try Checkpoint.open(paths[0])
        let named = first.tensors.filter { nameFilter($0.name) }
        let kept = named.filter { selection.keeps($0.dtype) }
        let skipped = named.filter { !selection.keeps($0.dtype) }.map {
            SkippedTensor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape,
                          reason: "integer or boolean")
        }
        guard !kept.isEmpty else {
            throw Self.emptySelectionError(first, named: named, selection: selection)
        }
        let layout = ParameterLayout(tensors: kept.map { ($0.name, $0.shape) })
        guard layout.parameterCount > 0 else {
            throw MindSpaceError.malformed(first.path,
                "the selected tensors hold no parameters (every one has a zero dimension): \(DataFile.listing(kept))")
        }
        var checkpoints = [Checkpoint(path: first.path, format: first.format, files: first.files,
                                      byteCount: first.byteCount, tensors: kept, fileIdentities: first.fileIdentities)]
        let namedInFirst = Dictionary(named.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for path in paths.dropFirst() {
            let checkpoint = try Checkpoint.open(path)
            let tensors = try Self.aligned(checkpoint, to: kept, namedInFirst: namedInFirst, firstPath: first.path,
                                           nameFilter: nameFilter, selection: selection)
            checkpoints.append(Checkpoint(path: checkpoint.path, format: checkpoint.format, files: checkpoint.files,
                                          byteCount: checkpoint.byteCount, tensors: tensors,
                                          fileIdentities: checkpoint.fileIdentities))
        }
        self.checkpoints = checkpoints
        self.layout = layout
        skippedTensors = skipped
        self.selection = selection
    }

    /// `checkpoint`'s selected tensors in the order of `reference` (the first checkpoint's kept
    /// tensors), or the error for the first way it does not line up.
    private static func aligned(_ checkpoint: Checkpoint, to reference: [StoredTensor],
                                namedInFirst: [String: StoredTensor], firstPath: String,
                                nameFilter: (String) -> Bool, selection: TensorSelection) throws -> [StoredTensor] {
        let path = checkpoint.path
        var byName: [String: StoredTensor] = [:]
        for tensor in checkpoint.tensors where nameFilter(tensor.name) { byName[tensor.name] = tensor }
        var result: [StoredTensor] = []
        for wanted in reference {
            guard let tensor = byName[wanted.name] else {
                throw MindSpaceError.malformed(path,
                    "lacks tensor '\(TerminalText.escaped(wanted.name))' (\(Checkpoint.describe(wanted))) that \(firstPath) has; every checkpoint needs the same selected tensors (choose them with --tensors / --exclude)")
            }
            if tensor.dtype.isFloatingPoint != wanted.dtype.isFloatingPoint {
                throw MindSpaceError.malformed(path,
                    "tensor '\(TerminalText.escaped(wanted.name))' is \(Checkpoint.describe(tensor)) here but \(Checkpoint.describe(wanted)) in \(firstPath); a tensor must be floating point in every checkpoint or in none")
            }
            if tensor.shape != wanted.shape {
                throw MindSpaceError.malformed(path,
                    "tensor '\(TerminalText.escaped(wanted.name))' has \(Checkpoint.describe(shape: tensor.shape)) here but \(Checkpoint.describe(shape: wanted.shape)) in \(firstPath)")
            }
            if tensor.storageOrder != wanted.storageOrder && tensor.shape.filter({ $0 > 1 }).count > 1 {
                throw MindSpaceError.malformed(path,
                    "tensor '\(TerminalText.escaped(wanted.name))' (\(Checkpoint.describe(shape: tensor.shape))) is stored \(describe(tensor.storageOrder)) here but \(describe(wanted.storageOrder)) in \(firstPath); its flattened elements would not line up")
            }
            result.append(tensor)
        }
        for tensor in checkpoint.tensors where nameFilter(tensor.name) {
            if let inFirst = namedInFirst[tensor.name] {
                if inFirst.dtype.isFloatingPoint != tensor.dtype.isFloatingPoint {
                    throw MindSpaceError.malformed(path,
                        "tensor '\(TerminalText.escaped(tensor.name))' is \(Checkpoint.describe(tensor)) here but \(Checkpoint.describe(inFirst)) in \(firstPath); a tensor must be floating point in every checkpoint or in none")
                }
            } else if selection.keeps(tensor.dtype) {
                throw MindSpaceError.malformed(path,
                    "has tensor '\(TerminalText.escaped(tensor.name))' (\(Checkpoint.describe(tensor))) that \(firstPath) lacks; every checkpoint needs the same selected tensors (choose them with --tensors / --exclude)")
            }
        }
        return result
    }

    private static func describe(_ order: StorageOrder) -> String {
        order == .rowMajor ? "row-major (C order)" : "column-major (Fortran order)"
    }

    private static func emptySelectionError(_ first: Checkpoint, named: [StoredTensor],
                                            selection: TensorSelection) -> MindSpaceError {
        if !named.isEmpty {
            return MindSpaceError.malformed(first.path,
                "every tensor selected\(selection.optionsDescription.isEmpty ? "" : " by " + selection.optionsDescription) is integer or boolean, and those are skipped (keep them with --include-integer-tensors): \(DataFile.listing(named))")
        }
        let by = selection.optionsDescription.isEmpty ? "" : " by \(selection.optionsDescription)"
        return MindSpaceError.malformed(first.path, "no tensor selected\(by); it has: \(DataFile.listing(first.tensors))")
    }
}
