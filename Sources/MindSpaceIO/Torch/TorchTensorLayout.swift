import MindSpaceCore

/// Turns a `TorchTensorRecord` (storage, offset, shape, strides, dtype) and its storage's bytes
/// into a `StoredTensor` that presents the values the tensor shows, row-major: a slice of the
/// storage when the tensor is contiguous, a `StridedByteSource` otherwise, widened by
/// `Float8WideningByteSource` for FP8. Tensors sharing a storage (tied weights) share its bytes.
enum TorchTensorLayout {
    /// The tensor `name` over `storage` (the storage's whole bytes). Throws `.malformedData`
    /// naming the file and the tensor when the dtype is not one MindSpace reads, when a size
    /// overflows, or when the storage is too small for the offset, shape and strides.
    static func storedTensor(name: String, record: TorchTensorRecord, storage: ByteSource,
                             byteOrder: ByteOrder) throws -> StoredTensor {
        let path = storage.path
        let label = "tensor '\(TerminalText.escaped(name))'"
        guard let presented = record.dtype.presentedDType else {
            throw MindSpaceError.malformed(path, "\(label) has dtype \(record.dtype.rawValue), which MindSpace does not read (complex and quantized tensors are refused)")
        }
        let size = record.dtype.byteSize
        let geometry = "offset \(record.storageOffset), shape \(describe(record.shape)), strides \(describe(record.strides))"
        guard StoredTensor.checkedByteCount(shape: record.shape, dtype: .uint8) != nil else {
            throw MindSpaceError.malformed(path, "\(label): its shape \(describe(record.shape)) overflows")
        }
        let count = record.shape.reduce(1, *)
        var source: ByteSource
        if count == 0 {
            source = MemoryByteSource(path: path, bytes: [])
        } else {
            // The last storage element the view touches, and the bytes up to it.
            var last = record.storageOffset
            var overflow = false
            for (dimension, stride) in zip(record.shape, record.strides) {
                let (step, o1) = (dimension - 1).multipliedReportingOverflow(by: stride)
                let (sum, o2) = last.addingReportingOverflow(step)
                overflow = overflow || o1 || o2
                last = sum
            }
            let (needed, o3) = (last + 1).multipliedReportingOverflow(by: size)
            guard !overflow, !o3, needed <= storage.byteCount else {
                throw MindSpaceError.malformed(path,
                    "\(label) needs \(overflow || o3 ? "more than Int.max" : String(needed)) bytes of storage '\(TerminalText.escaped(record.storage.key))' (\(geometry), \(size)-byte elements), but the storage holds \(storage.byteCount)")
            }
            if StridedByteSource.isRowMajor(shape: record.shape, strides: record.strides) {
                source = try storage.slice(offset: record.storageOffset * size, count: count * size)
            } else {
                source = StridedByteSource(storage: storage, elementSize: size, offset: record.storageOffset,
                                           shape: record.shape, strides: record.strides)
            }
        }
        var order = byteOrder
        // FP8 is read widened to float32; its stored encoding is kept as the tensor's label, as a
        // GGUF tensor's quantization is, so `inspect` shows what the file holds.
        var encoding: String?
        switch record.dtype {
        case .float8E4M3FN:
            source = Float8WideningByteSource(base: source, format: .e4m3fn); order = .native; encoding = record.dtype.rawValue
        case .float8E5M2:
            source = Float8WideningByteSource(base: source, format: .e5m2); order = .native; encoding = record.dtype.rawValue
        default: break
        }
        return StoredTensor(name: name, dtype: presented, shape: record.shape, byteOrder: order,
                            storageOrder: .rowMajor, source: source, quantization: encoding)
    }

    private static func describe(_ values: [Int]) -> String {
        "(" + values.map(String.init).joined(separator: ", ") + ")"
    }
}
