import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `.npz` reading against archives written by NumPy's `savez`/`savez_compressed`, Python's
/// `zipfile`, and a zip64 archive built by hand and verified by `zipfile` (see
/// `Fixtures/npy/make_fixtures.py`). All comparisons are exact.
@Suite struct NpzReaderTests {
    @Test func everyArchiveReadsExactlyInArchiveOrder() throws {
        let expected = try NpyFixtures.expected()
        #expect(expected.npz.count >= 6)
        for (file, arrays) in expected.npz.sorted(by: { $0.key < $1.key }) {
            let tensors = try NpzReader.read(path: NpyFixtures.path(file))
            #expect(tensors.map(\.name) == arrays.map { $0.name ?? "?" }, "\(file): names")
            for (tensor, array) in zip(tensors, arrays) {
                try NpyFixtures.check(tensor, against: array, label: "\(file):\(tensor.name)")
            }
        }
    }

    @Test func storedMembersAreSlicesOfTheFile() throws {
        let tensors = try NpzReader.read(path: NpyFixtures.path("stored.npz"))
        #expect(tensors.map(\.name) == ["a", "b"])
        let data = try #require(tensors.first?.source as? SlicedByteSource)
        let member = try #require(data.base as? SlicedByteSource)
        #expect(member.base is FileByteSource)
    }

    @Test func compressedMembersInflateLazilyAndExactly() throws {
        let path = try NpyFixtures.path("large_compressed.npz")
        let tensors = try NpzReader.read(path: path)
        let big = try #require(tensors.first)
        #expect(big.name == "big" && big.shape == [1000, 12] && big.dtype == .float64)
        let data = try #require(big.source as? SlicedByteSource)
        #expect(data.base is InflatingByteSource)
        // 96 000 bytes: more than the 64 KiB header window, so opening did not inflate it all.
        #expect(big.source.byteCount > InflatingByteSource.prefixLength)
        // Analytic truth: np.arange(12000).reshape(1000, 12) * 0.5.
        let matrix = try big.matrix(as: Double.self)
        #expect(matrix.storage == (0..<12000).map { Double($0) * 0.5 })
    }

    @Test func nonNpyMembersAreSkipped() throws {
        let tensors = try NpzReader.read(path: NpyFixtures.path("with_text.npz"))
        #expect(tensors.map(\.name) == ["folder/m"])
        #expect(try NpzReader.read(path: NpyFixtures.path("empty.npz")).isEmpty)
    }

    @Test func zip64ArchiveIsRead() throws {
        let tensors = try NpzReader.read(path: NpyFixtures.path("zip64.npz"))
        #expect(tensors.map(\.name) == ["z"])
        #expect(try tensors[0].matrix(as: Double.self).storage == (0..<12).map { Double($0) * 0.5 - 1 })
    }

    /// Archives refused when opened: every structural problem is found before any data is read.
    @Test(arguments: [
        ("bad_crc.npz", "member 'x.npy': CRC-32 mismatch"),
        ("truncated_directory.npz", "no end-of-central-directory record"),
        ("encrypted.npz", "member 'a.npy' is encrypted"),
        ("bzip2.npz", "compression method 12 (bzip2)"),
        ("bad_local_offset.npz", "member 'b.npy'"),
        ("too_many_entries.npz", "claims 500 members"),
        ("not_a_zip.npz", "not a zip archive"),
        ("only_text.npz", "no .npy members in the archive (it holds 'readme.txt')"),
        ("truncated_member.npz", "member 'short.npy': truncated data"),
        ("duplicate.npz", "member 'a.npy' appears twice"),
    ])
    func malformedArchivesAreRefusedWithTheirPath(file: String, mention: String) throws {
        let path = try NpyFixtures.path(file)
        NpyFixtures.expectError(.malformedData, file: path, mentions: [mention]) {
            _ = try NpzReader.read(path: path)
        }
    }

    /// Corruption inside a large deflated member is found by the first read of its data (opening
    /// inflates only the header window), and that read fails rather than returning wrong values.
    @Test(arguments: [
        ("bad_crc_large.npz", "member 'big.npy': CRC-32 mismatch"),
        ("corrupt_deflate_large.npz", "member 'big.npy'"),
    ])
    func corruptLargeMembersFailOnFirstRead(file: String, mention: String) throws {
        let path = try NpyFixtures.path(file)
        let tensors = try NpzReader.read(path: path)
        NpyFixtures.expectError(.malformedData, file: path, mentions: [mention]) {
            _ = try tensors[0].matrix(as: Double.self)
        }
    }

    @Test func missingFileIsMissingInput() throws {
        let path = try NpyFixtures.path("no_such_archive.npz")
        NpyFixtures.expectError(.missingInput, file: path, mentions: ["cannot open"]) {
            _ = try NpzReader.read(path: path)
        }
    }
}
