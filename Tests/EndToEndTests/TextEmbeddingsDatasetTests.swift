import Foundation
import Testing
@testable import MindSpaceIO
import MindSpaceTestSupport

/// Data integrity of the shipped text embeddings (`datasets/text-embeddings.npy` and its
/// TensorBoard metadata `datasets/text-embeddings-groups.tsv`, made by
/// `datasets/make_text_embeddings.py`): the array is what the README says it is, every row is a
/// unit vector (the model ends with a Normalize module), and the metadata has one row per
/// embedding. This checks the files as committed, not the model (the script checks the model
/// against published outputs before it writes anything).
@Suite struct TextEmbeddingsDatasetTests {
    static let folder = CommandRunner.packageRoot.appendingPathComponent("datasets")
    static let embeddings = folder.appendingPathComponent("text-embeddings.npy").path
    static let metadata = folder.appendingPathComponent("text-embeddings-groups.tsv").path
    static let width = 384  // all-MiniLM-L6-v2's hidden size

    @Test func headerSaysLittleEndianFloat32RowMajorNBy384() throws {
        // Read the .npy header by hand (independently of NpyReader): magic, version 1.0, then a
        // Python dict literal.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.embeddings)))
        #expect(Array(bytes.prefix(6)) == [0x93] + Array("NUMPY".utf8))
        #expect(bytes[6] == 1 && bytes[7] == 0)
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.contains("'descr': '<f4'"))
        #expect(header.contains("'fortran_order': False"))
        let rows = try TextEmbeddingsDatasetTests.labelRows().count
        #expect(header.contains("'shape': (\(rows), \(Self.width))"), "\(header)")
        // The payload is exactly rows × 384 float32 values.
        #expect(bytes.count - 10 - headerLength == rows * Self.width * 4)
    }

    @Test func rowsAreFiniteDistinctUnitVectors() throws {
        let tensor = try NpyReader.read(path: Self.embeddings)
        #expect(tensor.dtype == .float32 && tensor.storageOrder == .rowMajor)
        #expect(tensor.shape.count == 2 && tensor.shape.last == Self.width)
        let matrix = try tensor.matrix(as: Float.self)
        #expect(matrix.rows >= 2000 && matrix.rows <= 4000)  // the size the README states
        var worstNormError = 0.0
        var nonFinite = 0
        var distinct = Set<[Float]>()
        for row in 0..<matrix.rows {
            let values = Array(matrix.storage[(row * matrix.columns)..<((row + 1) * matrix.columns)])
            nonFinite += values.filter { !$0.isFinite }.count
            // The squares and the sum are formed in Double: each float32 square is exact there
            // and 384 additions add at most 384·2⁻⁵³ ≈ 4e-14 relative.
            let norm = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            worstNormError = max(worstNormError, abs(norm - 1))
            distinct.insert(values)
        }
        #expect(nonFinite == 0)
        // The script normalises in float64, then rounds each component to float32: every
        // component changes by a factor (1 + δ) with |δ| ≤ 2⁻²⁴ ≈ 6.0e-8, so the norm lies in
        // [1 − 2⁻²⁴, 1 + 2⁻²⁴]. Tolerance 1e-7 = that bound plus room for the Double sum.
        let float32NormBound = 1e-7
        #expect(worstNormError <= float32NormBound, "worst | ||row|| − 1 | = \(worstNormError)")
        // Texts equal up to case were merged by the script (the model lower-cases), so no two
        // rows may be equal: a repeated row would be a duplicate text.
        #expect(distinct.count == matrix.rows)
    }

    @Test func metadataHasOneLabelPerEmbeddingInTenGroups() throws {
        let tensor = try NpyReader.read(path: Self.embeddings)
        let groups = try GroupLabelsReader.read(path: Self.metadata, column: "group")
        try GroupLabelsReader.checkCount(groups, points: tensor.shape[0], path: Self.metadata)
        let texts = try GroupLabelsReader.read(path: Self.metadata, column: "text")
        #expect(texts.count == groups.count)
        // Each text is 5–60 words and appears once; the groups are the script's ten families.
        #expect(texts.allSatisfy { (5...60).contains($0.split(separator: " ").count) })
        #expect(Set(texts).count == texts.count)
        let counts = Dictionary(grouping: groups, by: { $0 }).mapValues(\.count)
        #expect(counts.count == 10, "\(counts)")
        #expect(counts.values.allSatisfy { $0 >= 100 }, "\(counts)")
    }

    /// The metadata's data rows, split at tabs (header `group<TAB>text<TAB>source`).
    static func labelRows() throws -> [[Substring]] {
        let text = try String(contentsOfFile: metadata, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "group\ttext\tsource")
        let rows = lines.dropFirst().filter { !$0.isEmpty }.map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.allSatisfy { $0.count == 3 })
        return rows
    }
}
