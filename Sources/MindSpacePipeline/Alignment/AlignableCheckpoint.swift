import Foundation
import MindSpaceCore
import MindSpaceCheckpoints
import MindSpaceIO
import MindSpaceSimilarity

/// A checkpoint read whole for weight matching: every tensor's stored elements (little-endian,
/// row-major; big-endian and Fortran-order `.npy` are converted), and its floating-point tensors
/// as `Double` for the arithmetic. Memory: the file's tensors once as stored and their floating
/// part again at 8 bytes an element.
package struct AlignableCheckpoint: Sendable {
    /// The checkpoint's path as the user gave it.
    package let path: String
    package let format: DataFormat
    /// Every tensor, in file order.
    package let tensors: [StoredTensor]
    /// Each tensor's elements as stored, row-major and little-endian.
    package let elements: [String: Data]
    /// The floating-point tensors as the matching sees them.
    package let weights: [String: WeightMatching.Tensor]

    /// Reads every tensor of the checkpoint at `path` (any format `Checkpoint.open` reads).
    package static func load(_ path: String) throws -> AlignableCheckpoint {
        let checkpoint = try Checkpoint.open(path)
        var elements: [String: Data] = [:]
        var weights: [String: WeightMatching.Tensor] = [:]
        for tensor in checkpoint.tensors {
            guard elements[tensor.name] == nil else {
                throw MindSpaceError.malformed(path, "tensor \(tensor.name) appears twice")
            }
            elements[tensor.name] = try storedElements(tensor)
            if tensor.dtype.isFloatingPoint {
                var values = [Double](repeating: 0, count: tensor.elementCount)
                try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<tensor.elementCount, into: $0) }
                if tensor.storageOrder == .columnMajor {
                    values = values.withUnsafeBufferPointer {
                        AxisPermutation.gather($0, shape: tensor.shape, strides: AxisPermutation.columnMajorStrides(tensor.shape),
                                               maps: tensor.shape.map { _ in nil })
                    }
                }
                guard values.allSatisfy(\.isFinite) else {
                    throw MindSpaceError.malformed(path, "tensor \(tensor.name) has non-finite values (NaN or Inf)")
                }
                weights[tensor.name] = WeightMatching.Tensor(shape: tensor.shape, values: values)
            }
        }
        return AlignableCheckpoint(path: path, format: checkpoint.format, tensors: checkpoint.tensors, elements: elements, weights: weights)
    }

    /// Every tensor's shape by name.
    package var shapes: [String: [Int]] {
        Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.shape) })
    }

    /// Throws a one-line `.malformedData` error unless this checkpoint has exactly the
    /// reference's tensor names and shapes (dtypes may differ).
    package func checkSameTensors(as reference: AlignableCheckpoint) throws {
        let mine = shapes, theirs = reference.shapes
        for tensor in reference.tensors {
            guard let shape = mine[tensor.name] else {
                throw MindSpaceError.malformed(path, "has no tensor \(tensor.name), which the reference \(reference.path) has")
            }
            if shape != tensor.shape {
                throw MindSpaceError.malformed(path,
                    "tensor \(tensor.name) has \(Checkpoint.describe(shape: shape)), the reference \(reference.path) has \(Checkpoint.describe(shape: tensor.shape))")
            }
        }
        for tensor in tensors where theirs[tensor.name] == nil {
            throw MindSpaceError.malformed(path, "has tensor \(tensor.name), which the reference \(reference.path) does not have")
        }
    }

    /// ‖W_self − W_other‖₂ over every floating-point tensor (both have the same names and shapes).
    package func distance(to other: [String: WeightMatching.Tensor]) -> Double {
        var sum = 0.0
        for name in weights.keys.sorted() {
            guard let mine = weights[name]?.values, let theirs = other[name]?.values else { continue }
            for index in mine.indices {
                let difference = mine[index] - theirs[index]
                sum += difference * difference
            }
        }
        return sum.squareRoot()
    }

    /// The floating-point tensors with the groups' permutations applied.
    package func permutedWeights(_ permutations: [[Int]], groups: [PermutationGroup]) -> [String: WeightMatching.Tensor] {
        let owner = WeightMatching.owners(groups)
        return weights.mapValues { $0 } .reduce(into: [:]) { result, item in
            result[item.key] = WeightMatching.applying(permutations, to: item.value, name: item.key, owner: owner)
        }
    }

    /// Every tensor, permuted and in its own dtype, ready for `SafetensorsWriter`: the stored
    /// elements are moved, not converted, so the result is bit-exact.
    package func permutedEntries(_ permutations: [[Int]], groups: [PermutationGroup]) -> [SafetensorsWriter.Entry] {
        let owner = WeightMatching.owners(groups)
        return tensors.map { tensor in
            let maps: [[Int]?] = tensor.shape.indices.map { axis in
                owner[PermutationGroup.Member(tensor: tensor.name, axis: axis)].map { permutations[$0] }
            }
            let stored = elements[tensor.name] ?? Data()
            let bytes = Self.gatherElements(stored, byteSize: tensor.dtype.byteSize, shape: tensor.shape,
                                            strides: AxisPermutation.rowMajorStrides(tensor.shape), maps: maps)
            return SafetensorsWriter.Entry(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, bytes: bytes)
        }
    }

    /// A tensor's elements as stored, turned into little-endian row-major order.
    static func storedElements(_ tensor: StoredTensor) throws -> Data {
        let byteSize = tensor.dtype.byteSize
        var bytes = try tensor.source.bytes(at: 0, count: tensor.elementCount * byteSize)
        if tensor.byteOrder == .big && byteSize > 1 {
            for start in stride(from: 0, to: bytes.count, by: byteSize) { bytes[start..<(start + byteSize)].reverse() }
        }
        let data = Data(bytes)
        guard tensor.storageOrder == .columnMajor else { return data }
        return gatherElements(data, byteSize: byteSize, shape: tensor.shape,
                              strides: AxisPermutation.columnMajorStrides(tensor.shape), maps: tensor.shape.map { _ in nil })
    }

    /// `AxisPermutation.gather` over elements of `byteSize` bytes.
    static func gatherElements(_ data: Data, byteSize: Int, shape: [Int], strides: [Int], maps: [[Int]?]) -> Data {
        if maps.allSatisfy({ $0 == nil }) && strides == AxisPermutation.rowMajorStrides(shape) { return data }
        func run<Element>(_ type: Element.Type) -> Data {
            let source = data.withUnsafeBytes { Array($0.bindMemory(to: Element.self)) }
            let gathered = source.withUnsafeBufferPointer { AxisPermutation.gather($0, shape: shape, strides: strides, maps: maps) }
            return gathered.withUnsafeBytes { Data($0) }
        }
        switch byteSize {
        case 1: return run(UInt8.self)
        case 2: return run(UInt16.self)
        case 4: return run(UInt32.self)
        default: return run(UInt64.self)
        }
    }
}
