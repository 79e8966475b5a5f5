import Foundation
import MindSpaceCore

/// Reads the zip format that `torch.save` writes since PyTorch 1.6 (`torch/serialization.py`,
/// `_save`; `caffe2/serialize/inline_container.cc`): a zip archive whose members all lie under
/// one root folder (the file's stem, or `archive`):
/// - `<root>/data.pkl`: the pickled object, storages referred to by persistent ids;
/// - `<root>/data/<key>`: each storage's raw bytes, stored uncompressed and 64-byte aligned;
/// - `<root>/byteorder`: `little` or `big` (absent before PyTorch 1.10: little);
/// - `<root>/version` (or `.data/version`), `.format_version`, `.storage_alignment`: the
///   serialization version (checked to be a number) and metadata MindSpace does not need.
///
/// Nothing is extracted: the pickle is read through a 64 KiB window, and each storage is a slice
/// of the archive read with `pread` only when its tensors' values are requested.
enum TorchZipReader {
    static func read(source: ByteSource) throws -> PyTorchFile {
        let path = source.path
        let archive = try ZipArchive(source: source)
        let pickles = archive.entries.filter {
            $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/", omittingEmptySubsequences: false).count == 2
        }
        guard let pickleEntry = pickles.first else {
            throw MindSpaceError.malformed(path, "a zip archive without a '<root>/data.pkl' member: not written by torch.save")
        }
        guard pickles.count == 1 else {
            throw MindSpaceError.malformed(path, "the archive holds \(pickles.count) data.pkl members; torch.save writes one")
        }
        let root = String(pickleEntry.name.dropLast("data.pkl".count))
        var members: [String: ZipArchive.Entry] = [:]
        for entry in archive.entries where entry.name.hasPrefix(root) {
            guard members.updateValue(entry, forKey: String(entry.name.dropFirst(root.count))) == nil else {
                throw MindSpaceError.malformed(path, offset: entry.localHeaderOffset,
                    "member '\(TerminalText.escaped(entry.name))' appears twice in the archive")
            }
        }

        let byteOrder = try readByteOrder(members["byteorder"], archive: archive, path: path)
        for name in ["version", ".data/version"] {
            if let entry = members[name] {
                let text = try smallText(entry, archive: archive)
                guard Int(text) != nil else {
                    throw MindSpaceError.malformed(path, "member '\(root)\(name)' holds '\(TerminalText.escaped(text))', not a serialization version number")
                }
            }
        }

        let heap = PickleHeap()
        let pickleSource = try archive.contents(of: pickleEntry)
        var input = PickleInput(source: pickleSource, base: pickleEntry.method == 0 ? pickleEntry.dataOffset : 0)
        let machine = PickleMachine(resolver: TorchGlobals())
        let object = try machine.run(&input, heap: heap, what: "\(TerminalText.escaped(root))data.pkl")
        let tree: TorchObjectTree
        do {
            tree = try TorchObjectTree(root: object, heap: heap, limits: machine.limits)
        } catch let refusal as PickleRefusal {
            throw MindSpaceError.malformed(path, "\(TerminalText.escaped(root))data.pkl: \(refusal.reason)")
        }

        var storages: [String: ByteSource] = [:]
        var tensors: [StoredTensor] = []
        for entry in tree.tensors {
            let key = entry.tensor.storage.key
            if storages[key] == nil {
                guard let member = members["data/" + key] else {
                    throw MindSpaceError.malformed(path,
                        "tensor '\(TerminalText.escaped(entry.name))' refers to storage '\(TerminalText.escaped(key))', which the archive lacks (no member '\(TerminalText.escaped(root))data/\(key)')")
                }
                storages[key] = try storageBytes(entry.tensor.storage, member: archive.contents(of: member), path: path)
            }
            guard let storage = storages[key] else { continue }
            tensors.append(try TorchTensorLayout.storedTensor(name: entry.name, record: entry.tensor,
                                                              storage: storage, byteOrder: byteOrder))
        }
        return PyTorchFile(path: path, layout: .zip, byteOrder: byteOrder, tensors: tensors,
                           values: tree.others.map { PyTorchFile.NamedValue(name: $0.name, value: $0.value) })
    }

    /// The storage's declared bytes (`numel` × element size), refused when the member is smaller.
    static func storageBytes(_ reference: TorchStorageReference, member: ByteSource, path: String) throws -> ByteSource {
        guard reference.view == nil else {
            throw MindSpaceError.malformed(path, "storage '\(TerminalText.escaped(reference.key))' is a legacy storage view, which MindSpace does not read")
        }
        let (declared, overflow) = reference.elementCount.multipliedReportingOverflow(by: reference.dtype.byteSize)
        guard !overflow, declared <= member.byteCount else {
            throw MindSpaceError.malformed(path,
                "storage '\(TerminalText.escaped(reference.key))' is declared as \(reference.elementCount) \(reference.dtype.rawValue) elements (\(overflow ? "more than Int.max" : String(declared)) bytes), but only \(member.byteCount) bytes are stored")
        }
        return try member.slice(offset: 0, count: declared)
    }

    private static func readByteOrder(_ entry: ZipArchive.Entry?, archive: ZipArchive, path: String) throws -> ByteOrder {
        guard let entry else { return .little }
        let text = try smallText(entry, archive: archive)
        switch text {
        case "little": return .little
        case "big": return .big
        default:
            throw MindSpaceError.malformed(path, "member '\(TerminalText.escaped(entry.name))' holds '\(TerminalText.escaped(text))', expected 'little' or 'big'")
        }
    }

    /// A short text member (at most 64 bytes), whitespace trimmed.
    private static func smallText(_ entry: ZipArchive.Entry, archive: ZipArchive) throws -> String {
        let member = try archive.contents(of: entry)
        guard member.byteCount <= 64 else {
            throw MindSpaceError.malformed(archive.source.path, "member '\(TerminalText.escaped(entry.name))' is \(member.byteCount) bytes, expected a short text")
        }
        let bytes = try member.bytes(at: 0, count: member.byteCount)
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
