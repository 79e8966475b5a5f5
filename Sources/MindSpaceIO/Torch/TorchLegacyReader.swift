import MindSpaceCore

/// Reads the format `torch.save(..., _use_new_zipfile_serialization=False)` writes (PyTorch's
/// `torch/serialization.py`, `_legacy_save` and `_legacy_load`): five pickles in a row, then the
/// storages' bytes:
/// 1. the magic number `0x1950a86a20f9469cfc6c` (a `LONG1`);
/// 2. the protocol version, 1001;
/// 3. system information: `{'protocol_version', 'little_endian', 'type_sizes'}`;
/// 4. the object, storages referred to by persistent ids
///    `('storage', storage_type, key, location, numel, view_metadata)`;
/// 5. the storage keys, in the order their bytes follow;
/// then, for each key, its element count (8 bytes, in the file's byte order) and that many
/// elements of the storage's type.
///
/// The pickles are read through a 64 KiB window; storage bytes are located, not read. Files
/// from before PyTorch 0.4 (a tar archive) are refused.
enum TorchLegacyReader {
    /// The first 14 bytes of a legacy file: `PROTO 2`, `LONG1` of 10 bytes, then the magic
    /// number's first 10 little-endian bytes.
    static let signature: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    static func read(source: ByteSource) throws -> PyTorchFile {
        let path = source.path
        let head = try source.bytes(at: 0, count: min(signature.count, source.byteCount))
        guard head == signature else {
            throw MindSpaceError.malformed(path, offset: 0, "not a PyTorch file: neither a torch.save zip archive nor the legacy format's magic number")
        }
        var input = PickleInput(source: source)
        let machine = PickleMachine(resolver: TorchGlobals())
        let heap = PickleHeap()
        _ = try machine.run(&input, heap: heap, what: "magic number")
        let protocolOffset = input.offset
        guard case .int(1001) = try machine.run(&input, heap: heap, what: "protocol version") else {
            throw MindSpaceError.malformed(path, offset: protocolOffset, "legacy format: protocol version is not 1001")
        }
        let information = try machine.run(&input, heap: heap, what: "system information")
        var byteOrder = ByteOrder.little
        if case .bool(false)? = heap.lookup("little_endian", in: information) { byteOrder = .big }

        let object = try machine.run(&input, heap: heap, what: "data pickle")
        let tree: TorchObjectTree
        do {
            tree = try TorchObjectTree(root: object, heap: heap, limits: machine.limits)
        } catch let refusal as PickleRefusal {
            throw MindSpaceError.malformed(path, "data pickle: \(refusal.reason)")
        }
        let keysOffset = input.offset
        let keyList = try machine.run(&input, heap: heap, what: "storage key list")
        guard let keyValues = heap.items(of: keyList) else {
            throw MindSpaceError.malformed(path, offset: keysOffset, "legacy format: the storage keys are a \(keyList.typeName), not a list")
        }

        var referenced: [String: TorchStorageReference] = [:]
        for entry in tree.tensors { referenced[entry.tensor.storage.key] = entry.tensor.storage }
        var storages: [String: ByteSource] = [:]
        var position = input.position
        for value in keyValues {
            guard case .string(let rawKey) = value else {
                throw MindSpaceError.malformed(path, offset: keysOffset, "legacy format: a storage key is a \(value.typeName)")
            }
            let key = TerminalText.escaped(rawKey, limit: nil)
            guard let reference = referenced[key] else {
                throw MindSpaceError.malformed(path, offset: position, "legacy format: storage '\(TerminalText.escaped(key))' is listed but no tensor uses it, so its element size is unknown")
            }
            let countBytes = try source.bytes(at: position, count: 8)
            var count: UInt64 = 0
            for (index, byte) in countBytes.enumerated() {
                count |= UInt64(byte) << (8 * UInt64(byteOrder == .little ? index : 7 - index))
            }
            let size = reference.dtype.byteSize
            guard count <= UInt64(source.byteCount), Int(count) * size <= source.byteCount - position - 8 else {
                throw MindSpaceError.malformed(path, offset: position,
                    "truncated: storage '\(TerminalText.escaped(key))' records \(count) elements of \(size) bytes, more than the \(source.byteCount - position - 8) bytes left in the file")
            }
            let bytes = try source.slice(offset: position + 8, count: Int(count) * size)
            storages[key] = try TorchZipReader.storageBytes(reference, member: bytes, path: path)
            position += 8 + Int(count) * size
        }

        var tensors: [StoredTensor] = []
        for entry in tree.tensors {
            guard let storage = storages[entry.tensor.storage.key] else {
                throw MindSpaceError.malformed(path,
                    "tensor '\(TerminalText.escaped(entry.name))' refers to storage '\(TerminalText.escaped(entry.tensor.storage.key))', which the file's storage list lacks")
            }
            tensors.append(try TorchTensorLayout.storedTensor(name: entry.name, record: entry.tensor,
                                                              storage: storage, byteOrder: byteOrder))
        }
        return PyTorchFile(path: path, layout: .legacy, byteOrder: byteOrder, tensors: tensors,
                           values: tree.others.map { PyTorchFile.NamedValue(name: $0.name, value: $0.value) })
    }
}
