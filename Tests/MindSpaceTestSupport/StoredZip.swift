import Foundation

/// A zip archive of stored (uncompressed) members, as `np.savez` writes it, built in memory for
/// tests. Member names are raw bytes, so a test can put control characters or invalid UTF-8 in
/// them.
package enum StoredZip {
    /// The archive's bytes: local headers and data, the central directory, the end record.
    package static func archive(_ members: [(name: Data, data: Data)]) -> Data {
        var archive = Data(), directory = Data()
        func u16(_ value: Int, into data: inout Data) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        func u32(_ value: UInt32, into data: inout Data) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        for member in members {
            let offset = UInt32(archive.count), name = member.name
            let crc = crc32(member.data), size = UInt32(member.data.count)
            u32(0x0403_4B50, into: &archive)
            for value in [20, 0, 0, 0, 0x21] { u16(value, into: &archive) }   // version, flags, stored, time, date
            for value in [crc, size, size] { u32(value, into: &archive) }
            u16(name.count, into: &archive); u16(0, into: &archive)
            archive.append(name); archive.append(member.data)
            u32(0x0201_4B50, into: &directory)
            for value in [20, 20, 0, 0, 0, 0x21] { u16(value, into: &directory) }
            for value in [crc, size, size] { u32(value, into: &directory) }
            for value in [name.count, 0, 0, 0, 0] { u16(value, into: &directory) }
            u32(0, into: &directory); u32(offset, into: &directory)
            directory.append(name)
        }
        let directoryOffset = UInt32(archive.count)
        archive.append(directory)
        u32(0x0605_4B50, into: &archive)
        for value in [0, 0, members.count, members.count] { u16(value, into: &archive) }
        u32(UInt32(directory.count), into: &archive); u32(directoryOffset, into: &archive)
        u16(0, into: &archive)
        return archive
    }

    /// CRC-32 (IEEE, reflected, as zip uses it), bit by bit: tests only.
    package static func crc32(_ bytes: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
