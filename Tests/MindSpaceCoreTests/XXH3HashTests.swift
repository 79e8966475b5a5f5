import Foundation
import Testing
@testable import MindSpaceCore
import MindSpaceTestSupport

/// Reference digests from Python's `xxhash` 4.1.0 (libxxhash 0.8.4), `xxh3_64(data).hexdigest()`,
/// in `Fixtures/xxh3/vectors.json` (written by `make_vectors.py` there; versions in `VERSIONS.txt`).
/// The inputs are regenerated here from each vector's pattern and length.
enum XXH3Vectors {
    struct Vector: Decodable, CustomStringConvertible {
        let pattern: String
        let length: Int
        let digest: String
        /// The input bytes, made as `make_vectors.py` makes them.
        let bytes: [UInt8]

        var description: String { "\(pattern) \(length) bytes" }

        private enum CodingKeys: String, CodingKey { case pattern, length, word, digest }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            pattern = try container.decode(String.self, forKey: .pattern)
            length = try container.decode(Int.self, forKey: .length)
            digest = try container.decode(String.self, forKey: .digest)
            switch pattern {
            case "arithmetic":
                bytes = XXH3Vectors.arithmetic(count: length)
            case "lcg":
                var x: UInt64 = 1
                bytes = (0..<length).map { _ in
                    x = 6_364_136_223_846_793_005 &* x &+ 1_442_695_040_888_963_407
                    return UInt8(x >> 56)
                }
            default:
                let word = try container.decode(UInt32.self, forKey: .word)
                bytes = withUnsafeBytes(of: word.littleEndian) { Array($0) }
            }
        }
    }

    private struct Document: Decodable {
        let vectors: [Vector]
    }

    /// Every vector of the fixture (empty if it cannot be read; `fixtureIsComplete` fails then).
    static let all: [Vector] = {
        guard let folder = TestFixtures.root,
              let data = try? Data(contentsOf: folder.appendingPathComponent("xxh3/vectors.json")),
              let document = try? JSONDecoder().decode(Document.self, from: data) else { return [] }
        return document.vectors
    }()

    /// Byte i = (7·i + 3) mod 256: the "arithmetic" pattern (each input is a prefix of a longer one).
    static func arithmetic(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: 7 &* $0 &+ 3) }
    }
}

@Suite struct XXH3HashTests {
    typealias InstructionSet = XXH3Hash.InstructionSet

    /// Hashes `bytes` in consecutive pieces of the given sizes (cycled until the input ends).
    static func digest(of bytes: [UInt8], pieces: [Int], instructionSet: InstructionSet) -> String {
        var hash = XXH3Hash(instructionSet: instructionSet)
        bytes.withUnsafeBytes { all in
            var start = 0, index = 0
            while start < all.count {
                let end = min(start + pieces[index % pieces.count], all.count)
                hash.update(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
                index += 1
            }
        }
        return hash.hexDigest()
    }

    @Test func fixtureIsComplete() {
        // 31 lengths × 2 patterns + the leading-zero word; every size class of the specification.
        #expect(XXH3Vectors.all.count == 63)
        let lengths = Set(XXH3Vectors.all.map(\.length))
        for length in [0, 1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 1024, 1025, 1_000_000] {
            #expect(lengths.contains(length), "length \(length)")
        }
    }

    @Test(arguments: InstructionSet.allCases)
    func matchesReferenceInOneUpdate(instructionSet: InstructionSet) {
        for vector in XXH3Vectors.all {
            var hash = XXH3Hash(instructionSet: instructionSet)
            hash.update(vector.bytes)
            #expect(hash.hexDigest() == vector.digest, "\(vector)")
            #expect(hash.digest() == UInt64(vector.digest, radix: 16), "\(vector)")
        }
    }

    /// Piece sizes around a stripe (64 bytes), the 256-byte tail buffer and a block (1024 bytes).
    @Test(arguments: InstructionSet.allCases, [[1], [7], [63], [64], [65], [1000], [255, 1, 256, 0, 257], [4096, 65536]])
    func matchesReferenceInAnySplitting(instructionSet: InstructionSet, pieces: [Int]) {
        for vector in XXH3Vectors.all {
            let digest = Self.digest(of: vector.bytes, pieces: pieces, instructionSet: instructionSet)
            #expect(digest == vector.digest, "\(vector), pieces \(pieces)")
        }
    }

    @Test(arguments: InstructionSet.allCases, [UInt64(1), 2, 3])
    func matchesReferenceInSeededRandomSplitting(instructionSet: InstructionSet, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for vector in XXH3Vectors.all {
            // Mostly small pieces (0-byte ones included) with an occasional large one.
            let pieces = (0..<64).map { _ in
                Int.random(in: 0...9, using: &generator) == 0 ? Int.random(in: 1000...70000, using: &generator)
                                                               : Int.random(in: 0...300, using: &generator)
            } + [1]   // a final 1 keeps the cycle from being all zeros
            let digest = Self.digest(of: vector.bytes, pieces: pieces, instructionSet: instructionSet)
            #expect(digest == vector.digest, "\(vector), seed \(seed)")
        }
    }

    /// `digest()` leaves the state alone: digests taken along one stream of the arithmetic
    /// pattern equal the references of its prefixes, and the stream still ends at the last one.
    @Test(arguments: InstructionSet.allCases)
    func digestDoesNotConsumeTheState(instructionSet: InstructionSet) throws {
        let references = XXH3Vectors.all.filter { $0.pattern == "arithmetic" }.sorted { $0.length < $1.length }
        let longest = try #require(references.last)
        let bytes = XXH3Vectors.arithmetic(count: longest.length)
        var hash = XXH3Hash(instructionSet: instructionSet)
        var done = 0
        bytes.withUnsafeBytes { all in
            for reference in references {
                hash.update(UnsafeRawBufferPointer(rebasing: all[done..<reference.length]))
                done = reference.length
                #expect(hash.hexDigest() == reference.digest, "prefix \(reference.length)")
                #expect(hash.hexDigest() == reference.digest, "prefix \(reference.length), digest taken twice")
            }
        }
    }

    @Test func emptyUpdatesAddNothing() {
        var hash = XXH3Hash()
        hash.update(UnsafeRawBufferPointer(start: nil, count: 0))
        hash.update([])
        let empty = XXH3Vectors.all.first { $0.length == 0 }
        #expect(hash.hexDigest() == empty?.digest)
        #expect(hash.hexDigest() == "2d06800538d394c2")
    }

    @Test func hexDigestKeepsLeadingZeros() throws {
        let vector = try #require(XXH3Vectors.all.first { $0.pattern == "word" })
        var hash = XXH3Hash()
        hash.update(vector.bytes)
        #expect(vector.digest.hasPrefix("00"))
        #expect(hash.hexDigest() == vector.digest)
        #expect(hash.hexDigest().count == 16)
    }

    @Test func narrowerInstructionSetIsHonoured() {
        // A requested version runs unless the processor lacks it; the default is the widest one.
        let widest = XXH3Hash().instructionSet
        for requested in InstructionSet.allCases {
            let chosen = XXH3Hash(instructionSet: requested).instructionSet
            #expect(chosen.rawValue == min(requested.rawValue, widest.rawValue))
        }
    }
}
