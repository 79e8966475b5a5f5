import Foundation
import MindSpaceCore
import MindSpaceCheckpoints
import MindSpaceIO
import MindSpaceSimilarity

/// A checkpoint read whole for weight matching: its floating-point tensors as `Float` for the
/// arithmetic (float32 ones bit for bit as stored, so they are held once), float64 ones also in
/// full precision for the distances, and every other tensor's elements as stored (little-endian,
/// row-major; big-endian and Fortran-order `.npy` are converted). Memory: a float32 checkpoint
/// once (4 bytes an element); a float64 one 12 bytes an element.
package struct AlignableCheckpoint: Sendable {
    /// The checkpoint's path as the user gave it.
    package let path: String
    package let format: DataFormat
    /// Every tensor, in file order.
    package let tensors: [StoredTensor]
    /// The elements as stored, row-major and little-endian, of every tensor that is not float32
    /// (a float32 tensor's elements are its `weights` values, bit for bit).
    package let elements: [String: Data]
    /// The floating-point tensors as the matching sees them.
    package let weights: [String: WeightMatching.Tensor]
    /// The float64 tensors' values in full precision (the distances use them).
    package let wideValues: [String: [Double]]

    /// Reads every tensor of the checkpoint at `path` (any format `Checkpoint.open` reads), the
    /// tensors on `ParallelLoop`'s threads (each is read alone, so the result is the same for
    /// any thread count). Throws `.malformedData` for a repeated name, a NaN or infinite weight,
    /// or a float64 weight beyond single precision's range (about ±3.4·10³⁸); of several
    /// faulty tensors, the first in file order is named.
    package static func load(_ path: String) throws -> AlignableCheckpoint {
        let checkpoint = try Checkpoint.open(path)
        var names = Set<String>()
        for tensor in checkpoint.tensors where !names.insert(tensor.name).inserted {
            throw MindSpaceError.malformed(path, "tensor '\(TerminalText.escaped(tensor.name))' appears twice")
        }
        let tensors = checkpoint.tensors
        // Every value is held whole, at least 8 bytes each once widened: refuse before reading.
        let values = tensors.reduce(0) { total, tensor in
            let (sum, overflow) = total.addingReportingOverflow(tensor.elementCount)
            return overflow ? Int.max : sum
        }
        try MemoryBudget.check(values, bytesPerValue: 8, for: "aligning it reads its \(tensors.count) tensors whole (\(values) values), which",
                               file: path)
        var read = [Result<LoadedTensor, any Error>](repeating: .success(LoadedTensor()), count: tensors.count)
        read.withUnsafeMutableBufferPointer { read in
            guard let slots = read.baseAddress else { return }
            ParallelLoop.forEach(tensors.count) { index in
                slots[index] = Result { try loadTensor(tensors[index], path: path) }
            }
        }
        var elements: [String: Data] = [:]
        var weights: [String: WeightMatching.Tensor] = [:]
        var wideValues: [String: [Double]] = [:]
        for (tensor, result) in zip(tensors, read) {
            let loaded = try result.get()
            elements[tensor.name] = loaded.elements
            weights[tensor.name] = loaded.weights
            wideValues[tensor.name] = loaded.wideValues
        }
        return AlignableCheckpoint(path: path, format: checkpoint.format, tensors: tensors, elements: elements,
                                   weights: weights, wideValues: wideValues)
    }

    /// One tensor as `load` keeps it.
    struct LoadedTensor {
        var elements: Data?
        var weights: WeightMatching.Tensor?
        var wideValues: [Double]?
    }

    /// Reads one tensor: its stored elements unless it is float32, and its weights if it is
    /// floating point (float64 ones also in full precision).
    static func loadTensor(_ tensor: StoredTensor, path: String) throws -> LoadedTensor {
        var loaded = LoadedTensor()
        if tensor.dtype != .float32 { loaded.elements = try storedElements(tensor) }
        guard tensor.dtype.isFloatingPoint else { return loaded }
        if tensor.dtype == .float64 {
            let wide: [Double] = try rowMajorValues(tensor)
            guard wide.allSatisfy(\.isFinite) else {
                throw MindSpaceError.malformed(path, "tensor \(tensor.name) has non-finite values (NaN or Inf)")
            }
            loaded.wideValues = wide
        }
        let values: [Float] = try rowMajorValues(tensor)
        guard values.allSatisfy(\.isFinite) else {
            let reason = tensor.dtype == .float64 ? "values beyond single precision's range, which weight matching works in"
                                                  : "non-finite values (NaN or Inf)"
            throw MindSpaceError.malformed(path, "tensor \(tensor.name) has \(reason)")
        }
        loaded.weights = WeightMatching.Tensor(shape: tensor.shape, values: values)
        return loaded
    }

    /// A floating-point tensor's values, converted to `T`, in row-major order.
    static func rowMajorValues<T: BinaryFloatingPoint>(_ tensor: StoredTensor) throws -> [T] {
        var values = [T](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<tensor.elementCount, into: $0) }
        guard tensor.storageOrder == .columnMajor else { return values }
        return values.withUnsafeBufferPointer {
            AxisPermutation.gather($0, shape: tensor.shape, strides: AxisPermutation.columnMajorStrides(tensor.shape),
                                   maps: tensor.shape.map { _ in nil })
        }
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

    /// ‖W_self − W_other‖₂ over every floating-point tensor (both have the same names and
    /// shapes), with `other`'s units permuted by `permutations` (one per group) when given: one
    /// permuted tensor at a time, summed in `Double` in name order. Float64 tensors enter in full
    /// precision, every other dtype exactly through `Float`.
    package func distance(to other: AlignableCheckpoint, permutations: [[Int]]? = nil,
                          groups: [PermutationGroup] = []) -> Double {
        let owner = WeightMatching.owners(groups)
        var sum = 0.0
        for name in weights.keys.sorted() {
            guard let mine = weights[name], let theirs = other.weights[name] else { continue }
            let maps: [[Int]?] = theirs.shape.indices.map { axis in
                permutations.flatMap { all in owner[PermutationGroup.Member(tensor: name, axis: axis)].map { all[$0] } }
            }
            if wideValues[name] != nil || other.wideValues[name] != nil {
                let a = wideValues[name] ?? mine.values.map(Double.init)
                let b = (other.wideValues[name] ?? theirs.values.map(Double.init)).withUnsafeBufferPointer {
                    AxisPermutation.gather($0, shape: theirs.shape, strides: AxisPermutation.rowMajorStrides(theirs.shape), maps: maps)
                }
                Self.addSquaredDifference(a, b, to: &sum)
            } else {
                let b = theirs.values.withUnsafeBufferPointer {
                    AxisPermutation.gather($0, shape: theirs.shape, strides: AxisPermutation.rowMajorStrides(theirs.shape), maps: maps)
                }
                Self.addSquaredDifference(mine.values, b, to: &sum)
            }
        }
        return sum.squareRoot()
    }

    /// sum += Σ (a_i − b_i)², in `Double`, term by term in index order.
    static func addSquaredDifference<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], to sum: inout Double) {
        var total = sum
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for index in 0..<min(a.count, b.count) {
                    let difference = Double(a[index]) - Double(b[index])
                    total += difference * difference
                }
            }
        }
        sum = total
    }

    /// Every tensor, permuted and in its own dtype, ready for `SafetensorsWriter`: the stored
    /// elements are moved, not converted, so the result is bit-exact.
    package func permutedEntries(_ permutations: [[Int]], groups: [PermutationGroup]) -> [SafetensorsWriter.Entry] {
        let owner = WeightMatching.owners(groups)
        return tensors.map { tensor in
            let maps: [[Int]?] = tensor.shape.indices.map { axis in
                owner[PermutationGroup.Member(tensor: tensor.name, axis: axis)].map { permutations[$0] }
            }
            let strides = AxisPermutation.rowMajorStrides(tensor.shape)
            let bytes: Data
            if tensor.dtype == .float32, let values = weights[tensor.name]?.values {
                bytes = values.withUnsafeBufferPointer {
                    AxisPermutation.gather($0, shape: tensor.shape, strides: strides, maps: maps)
                }.withUnsafeBytes { Data($0) }
            } else {
                bytes = Self.gatherElements(elements[tensor.name] ?? Data(), byteSize: tensor.dtype.byteSize, shape: tensor.shape,
                                            strides: strides, maps: maps)
            }
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
