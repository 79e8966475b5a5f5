import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceCheckpoints

/// The resumable cache of `BatchJob`, in `<out>/.cache/`: one file per analysed checkpoint set
/// (each run's trajectory, the weight set) holding the result of its streaming pass (the centred
/// Gram matrix and per-checkpoint totals), under a key made of everything the pass depends on:
/// the MindSpace version, the BLAS kernel family, the tensor selection, the chunk width and the
/// `CheckpointFingerprint` (path, size, modification time, header hash) of every checkpoint.
/// A rerun with the same key rebuilds the result from the file without reading any checkpoint;
/// any other key (an edited, added or removed checkpoint, another selection) recomputes.
/// Nothing derived from the pass is cached: the random-walk null (`--null`, `--null-draws`,
/// `--seed`) and the displacement subspace are drawn from the pass on every run, so a rerun with
/// other null settings reuses the pass and can never report a null made under other settings.
///
/// Numbers are stored as the hexadecimal bit patterns of their `Double`s, so a result rebuilt
/// from the cache is bit-identical to the one computed, and so are the reports made from it.
/// Files are written to a temporary name and renamed (atomic on one file system): a killed
/// process leaves either the previous entry or the new one, never half of one. An unreadable or
/// foreign entry is treated as missing.
struct BatchCache {
    /// The cached form of a `StreamedGram` without grouping.
    struct Entry: Codable, Equatable {
        var key: String
        var checkpointCount: Int
        var parameterCount: Int
        var chunkElements: Int
        var bytesRead: Int
        var dataHashes: [String]?
        /// Bit patterns: n² Gram entries, n sums, n sums of squares.
        var centredGram: String
        var sums: String
        var sumsOfSquares: String

        init(key: String, gram: StreamedGram) {
            self.key = key
            checkpointCount = gram.checkpointCount
            parameterCount = gram.parameterCount
            chunkElements = gram.chunkElements
            bytesRead = gram.totals.bytesRead
            dataHashes = gram.totals.dataHashes
            centredGram = Self.hex(gram.centredGram.storage)
            sums = Self.hex(gram.totals.sums)
            sumsOfSquares = Self.hex(gram.totals.sumsOfSquares)
        }

        /// The pass result, for `set` (whose layout gives the one group); `nil` if inconsistent.
        func streamedGram(for set: CheckpointSet) -> StreamedGram? {
            let n = checkpointCount
            guard n == set.count, parameterCount == set.layout.parameterCount,
                  let gram = Self.doubles(centredGram), gram.count == n * n,
                  let sums = Self.doubles(sums), sums.count == n,
                  let squares = Self.doubles(sumsOfSquares), squares.count == n, dataHashes.map({ $0.count == n }) ?? true else { return nil }
            let matrix = Matrix(rows: n, columns: n, storage: gram)
            return StreamedGram(checkpointCount: n, parameterCount: parameterCount, centredGram: matrix,
                                grouping: .none, groups: set.layout.groups(by: .none), groupGrams: [matrix],
                                totals: .init(sums: sums, sumsOfSquares: squares, dataHashes: dataHashes, bytesRead: bytesRead),
                                chunkElements: chunkElements)
        }

        static func hex(_ values: [Double]) -> String {
            values.map { value in
                let bits = String(value.bitPattern, radix: 16)
                return String(repeating: "0", count: 16 - bits.count) + bits
            }.joined()
        }

        static func doubles(_ text: String) -> [Double]? {
            let bytes = Array(text.utf8)
            guard bytes.count % 16 == 0 else { return nil }
            var values: [Double] = []
            values.reserveCapacity(bytes.count / 16)
            var index = 0
            while index < bytes.count {
                guard let bits = UInt64(String(decoding: bytes[index..<(index + 16)], as: UTF8.self), radix: 16) else { return nil }
                values.append(Double(bitPattern: bits))
                index += 16
            }
            return values
        }
    }

    /// `<out>/.cache`.
    let folder: URL

    init(outputFolder: String) {
        folder = URL(fileURLWithPath: outputFolder).appendingPathComponent(".cache")
    }

    /// The key of one pass over `set`: XXH64 of a text naming everything the result depends on.
    static func key(for set: CheckpointSet, chunkElements: Int) throws -> String {
        var text = "mindspace batch cache 1\n\(MindSpaceVersion.string)\n\(BLAS.coreName)\n"
        text += "tensors=\(set.selection.include ?? "")\nexclude=\(set.selection.exclude ?? "")\n"
        text += "integers=\(set.selection.includeIntegerTensors)\nchunk=\(chunkElements)\n"
        for checkpoint in set.checkpoints { text += try CheckpointFingerprint(checkpoint).canonicalText }
        var hash = ContentHash()
        hash.update(Array(text.utf8))
        return hash.hexDigest()
    }

    /// The file of entry `name` (a run's name, or `weight-set`).
    func url(_ name: String) -> URL {
        folder.appendingPathComponent(Self.fileName(name))
    }

    /// The entry `name` if present, readable and made under `key`.
    func load(_ name: String, key: String) -> Entry? {
        guard let data = try? Data(contentsOf: url(name)),
              let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.key == key else { return nil }
        return entry
    }

    /// Writes `entry` as `name` atomically. Throws `.cannotCreateOutput`/`.outputFailed`.
    func store(_ entry: Entry, as name: String) throws {
        let transaction = OutputTransaction()
        try transaction.stage(try ReportEncoding.json(entry), at: url(name).path)
        try transaction.commit()
    }

    /// A file name for an entry: the run's name with anything but letters, digits, `-`, `_`
    /// and `.` replaced by `_`, plus the XXH64 of the name (two names differing only in replaced
    /// characters stay apart).
    static func fileName(_ name: String) -> String {
        let safe = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        var hash = ContentHash()
        hash.update(Array(name.utf8))
        return "\(safe.hasPrefix(".") ? "_" + safe.dropFirst() : Substring(safe))-\(hash.hexDigest().prefix(8)).json"
    }
}
