import MindSpaceCore

/// The members of a zip archive (PKWARE APPNOTE 6.3), read from its central directory, with
/// every offset and size checked against the file before anything is trusted. Supports ZIP64
/// (the zip64 end-of-central-directory record and locator, and zip64 extended-information extra
/// fields, which NumPy's `savez` writes for large members). Multi-disk archives are refused.
///
/// Cost of opening: one read of the archive's tail (≤ 64 KiB + 22 bytes), one read of the central
/// directory, and one 30-byte read per member for its local header. Member data is not read.
struct ZipArchive {
    /// One member as the central directory describes it, with its data located.
    struct Entry {
        /// The member's path inside the archive (UTF-8; legacy CP437 names are decoded as UTF-8
        /// with replacement characters, which only matters for non-ASCII names).
        var name: String
        /// 0 stored, 8 deflated, …
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
        /// Where the member's (compressed) bytes start in the archive.
        var dataOffset: Int

        /// General-purpose flag bit 0 (encrypted) or bit 6 (strong encryption).
        var isEncrypted: Bool { flags & 0x0001 != 0 || flags & 0x0040 != 0 }
        var isDirectory: Bool { name.hasSuffix("/") }
    }

    let source: ByteSource
    /// Members in central-directory order (the order they were written).
    let entries: [Entry]

    private static let endOfCentralDirectorySignature: UInt32 = 0x0605_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    /// DEFLATE cannot compress better than about 1032:1, so a larger recorded ratio is a lie that
    /// would make us allocate memory for nothing.
    static let maximumDeflateRatio = 1032

    /// Reads and validates the central directory of the archive in `source`.
    init(source: ByteSource) throws {
        self.source = source
        let path = source.path
        let fileSize = source.byteCount
        func fail(_ offset: Int?, _ reason: String) -> MindSpaceError {
            MindSpaceError.malformed(path, offset: offset, reason)
        }

        // End of central directory: 22 bytes plus a comment of at most 65 535 bytes, at the end.
        guard fileSize >= 22 else {
            throw fail(nil, "not a zip archive: only \(fileSize) bytes, too short for an end-of-central-directory record")
        }
        let tailStart = max(0, fileSize - 22 - 0xFFFF)
        let tail = try source.bytes(at: tailStart, count: fileSize - tailStart)
        var endRecord: Int? = nil
        var candidate = tail.count - 22
        while candidate >= 0 {
            if tail.u32(candidate) == Self.endOfCentralDirectorySignature,
               candidate + 22 + Int(tail.u16(candidate + 20)) == tail.count {
                endRecord = candidate
                break
            }
            candidate -= 1
        }
        guard let end = endRecord else {
            throw fail(nil, "not a zip archive, or truncated: no end-of-central-directory record at the end of the file")
        }
        let endOffset = tailStart + end
        var diskNumber = Int(tail.u16(end + 4))
        var centralDirectoryDisk = Int(tail.u16(end + 6))
        var entriesOnDisk = Int(tail.u16(end + 8))
        var entryCount = Int(tail.u16(end + 10))
        var directorySize = Int(tail.u32(end + 12))
        var directoryOffset = Int(tail.u32(end + 16))
        var directoryLimit = endOffset  // the central directory must end before this

        // ZIP64: a 20-byte locator right before the end record points at the zip64 end record.
        let locatorOffset = endOffset - 20
        if locatorOffset >= 0, try source.bytes(at: locatorOffset, count: 4).u32(0) == Self.zip64LocatorSignature {
            let locator = try source.bytes(at: locatorOffset, count: 20)
            guard let zip64Offset = Int(exactly: locator.u64(8)), zip64Offset >= 0,
                  zip64Offset <= locatorOffset - 56 else {
                throw fail(locatorOffset, "zip64 locator points outside the archive (offset \(locator.u64(8)))")
            }
            let record = try source.bytes(at: zip64Offset, count: 56)
            guard record.u32(0) == Self.zip64EndSignature else {
                throw fail(zip64Offset, "zip64 end-of-central-directory record missing where the locator points")
            }
            guard let count64 = Int(exactly: record.u64(32)), let onDisk64 = Int(exactly: record.u64(24)),
                  let size64 = Int(exactly: record.u64(40)), let offset64 = Int(exactly: record.u64(48)) else {
                throw fail(zip64Offset, "zip64 end-of-central-directory record holds impossible sizes")
            }
            diskNumber = Int(record.u32(16))
            centralDirectoryDisk = Int(record.u32(20))
            entriesOnDisk = onDisk64
            entryCount = count64
            directorySize = size64
            directoryOffset = offset64
            directoryLimit = zip64Offset
        }
        guard diskNumber == 0, centralDirectoryDisk == 0, entriesOnDisk == entryCount else {
            throw fail(endOffset, "multi-disk (split) zip archives are not supported")
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset <= directoryLimit,
              directorySize <= directoryLimit - directoryOffset else {
            throw fail(endOffset, "central directory (offset \(directoryOffset), \(directorySize) bytes) lies outside the archive: truncated or corrupt")
        }
        guard entryCount <= directorySize / 46 else {
            throw fail(endOffset, "the archive claims \(entryCount) members but its central directory has room for at most \(directorySize / 46)")
        }

        let directory = try source.bytes(at: directoryOffset, count: directorySize)
        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var position = 0
        for index in 0..<entryCount {
            let at = directoryOffset + position
            guard position + 46 <= directory.count, directory.u32(position) == Self.centralHeaderSignature else {
                throw fail(at, "central directory entry \(index + 1) of \(entryCount) is missing or corrupt")
            }
            let flags = directory.u16(position + 8)
            let method = directory.u16(position + 10)
            let crc = directory.u32(position + 16)
            var compressedSize = UInt64(directory.u32(position + 20))
            var uncompressedSize = UInt64(directory.u32(position + 24))
            let nameLength = Int(directory.u16(position + 28))
            let extraLength = Int(directory.u16(position + 30))
            let commentLength = Int(directory.u16(position + 32))
            var diskStart = UInt64(directory.u16(position + 34))
            var localOffset = UInt64(directory.u32(position + 42))
            let nameStart = position + 46
            let extraStart = nameStart + nameLength
            let next = extraStart + extraLength + commentLength
            guard next <= directory.count else {
                throw fail(at, "central directory entry \(index + 1) of \(entryCount) runs past the end of the directory")
            }
            // Invalid UTF-8 in a name is kept as `\xNN` text, so two such names stay apart.
            let name = TerminalText.decoded(directory[nameStart..<extraStart])

            // Saturated 32-bit fields are replaced, in this order, by the zip64 extra field's values.
            if compressedSize == 0xFFFF_FFFF || uncompressedSize == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF || diskStart == 0xFFFF {
                guard let zip64 = Self.zip64Field(in: Array(directory[extraStart..<(extraStart + extraLength)])) else {
                    throw fail(at, "member '\(TerminalText.escaped(name))': 32-bit sizes are saturated but there is no valid zip64 extra field")
                }
                var cursor = 0
                func take(_ width: Int) -> UInt64? {
                    guard cursor + width <= zip64.count else { return nil }
                    defer { cursor += width }
                    return width == 8 ? zip64.u64(cursor) : UInt64(zip64.u32(cursor))
                }
                if uncompressedSize == 0xFFFF_FFFF { uncompressedSize = take(8) ?? .max }
                if compressedSize == 0xFFFF_FFFF { compressedSize = take(8) ?? .max }
                if localOffset == 0xFFFF_FFFF { localOffset = take(8) ?? .max }
                if diskStart == 0xFFFF { diskStart = take(4) ?? .max }
                guard uncompressedSize != .max, compressedSize != .max, localOffset != .max, diskStart != .max else {
                    throw fail(at, "member '\(TerminalText.escaped(name))': the zip64 extra field is too short")
                }
            }
            guard diskStart == 0 else { throw fail(at, "member '\(TerminalText.escaped(name))' lies on another disk: split archives are not supported") }
            guard let compressed = Int(exactly: compressedSize), let uncompressed = Int(exactly: uncompressedSize),
                  let local = Int(exactly: localOffset),
                  local <= directoryOffset - 30 else {
                throw fail(at, "member '\(TerminalText.escaped(name))': its local header offset \(localOffset) lies outside the archive's data")
            }

            let localHeader = try source.bytes(at: local, count: 30)
            guard localHeader.u32(0) == Self.localHeaderSignature else {
                throw fail(local, "member '\(TerminalText.escaped(name))': no local file header at offset \(local)")
            }
            let localNameLength = Int(localHeader.u16(26))
            let localExtraLength = Int(localHeader.u16(28))
            let dataOffset = local + 30 + localNameLength + localExtraLength
            guard dataOffset <= directoryOffset, compressed <= directoryOffset - dataOffset else {
                throw fail(local, "member '\(TerminalText.escaped(name))': its \(compressed) bytes of data run past the start of the central directory (truncated or corrupt archive)")
            }
            let localName = try source.bytes(at: local + 30, count: localNameLength)
            guard localName == Array(directory[nameStart..<extraStart]) else {
                throw fail(local, "member '\(TerminalText.escaped(name))': the local header names '\(TerminalText.escaped(localName))' instead")
            }
            entries.append(Entry(name: name, method: method, flags: flags, crc32: crc,
                                 compressedSize: compressed, uncompressedSize: uncompressed,
                                 localHeaderOffset: local, dataOffset: dataOffset))
            position = next
        }
        self.entries = entries
    }

    /// The data of the zip64 extended-information extra field (header id 0x0001), if present.
    private static func zip64Field(in extra: [UInt8]) -> [UInt8]? {
        var position = 0
        while position + 4 <= extra.count {
            let identifier = extra.u16(position)
            let size = Int(extra.u16(position + 2))
            guard position + 4 + size <= extra.count else { return nil }
            if identifier == 0x0001 { return Array(extra[(position + 4)..<(position + 4 + size)]) }
            position += 4 + size
        }
        return nil
    }

    /// The uncompressed bytes of `entry`. Stored members (method 0) are a slice of the archive:
    /// no copy, no read. Deflated members (method 8) are an `InflatingByteSource`, which inflates
    /// on first use and then holds the member's uncompressed size in memory. Other methods and
    /// encrypted members are refused. Stored members' CRC-32 is not verified (that would read the
    /// whole member up front); deflated members' CRC is checked when they are inflated.
    func contents(of entry: Entry) throws -> ByteSource {
        let label = "member '\(TerminalText.escaped(entry.name))'"
        guard !entry.isEncrypted else {
            throw MindSpaceError.malformed(source.path, offset: entry.localHeaderOffset, "\(label) is encrypted; encrypted archives are not supported")
        }
        let compressed = try source.slice(offset: entry.dataOffset, count: entry.compressedSize)
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw MindSpaceError.malformed(source.path, offset: entry.localHeaderOffset,
                    "\(label) is stored uncompressed but records \(entry.compressedSize) stored and \(entry.uncompressedSize) uncompressed bytes")
            }
            return compressed
        case 8:
            let (limit, overflow) = entry.compressedSize.multipliedReportingOverflow(by: Self.maximumDeflateRatio)
            guard overflow || entry.uncompressedSize <= limit + 1024 else {
                throw MindSpaceError.malformed(source.path, offset: entry.localHeaderOffset,
                    "\(label) claims \(entry.uncompressedSize) uncompressed bytes from \(entry.compressedSize) compressed, which deflate cannot produce")
            }
            return InflatingByteSource(compressed: compressed, byteCount: entry.uncompressedSize,
                                       expectedCRC: entry.crc32, label: label)
        default:
            let known: [UInt16: String] = [1: "shrunk", 6: "imploded", 9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstandard", 95: "xz", 99: "AES-encrypted"]
            let method = known[entry.method].map { "\(entry.method) (\($0))" } ?? "\(entry.method)"
            throw MindSpaceError.malformed(source.path, offset: entry.localHeaderOffset,
                "\(label) uses compression method \(method); only stored (0) and deflated (8) members are supported")
        }
    }
}

extension Array where Element == UInt8 {
    /// Little-endian integers at byte `offset` (callers have checked the bounds).
    fileprivate func u16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }
    fileprivate func u32(_ offset: Int) -> UInt32 {
        UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16
    }
    fileprivate func u64(_ offset: Int) -> UInt64 {
        UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32
    }
}
