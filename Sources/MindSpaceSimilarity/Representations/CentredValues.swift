import MindSpaceCore
import MindSpaceNumerics

/// One representation's centred rows in the precision their products run in: float32 input stays
/// float32 (`SingleCentredRows`) where `SinglePrecisionProducts` runs its AVX-512 kernels, other
/// input is float64 (`CentredRows`, BLAS). Linear CKA and its jackknife hold one; every product
/// lands in Double, and a pair of mixed precisions is multiplied in float64.
enum CentredValues: Sendable {
    case double(CentredRows)
    case single(SingleCentredRows)

    /// N.
    var rows: Int {
        switch self {
        case .double(let x): x.rows
        case .single(let x): x.rows
        }
    }

    /// D.
    var columns: Int {
        switch self {
        case .double(let x): x.columns
        case .single(let x): x.columns
        }
    }

    /// Σᵢ ‖xᵢ − x̄‖², in Double.
    var totalSquares: Double {
        switch self {
        case .double(let x): x.totalSquares
        case .single(let x): x.totalSquares
        }
    }

    /// The rows as float64 (a copy for float32 rows): for the Gram route and mixed pairs.
    var widened: CentredRows {
        switch self {
        case .double(let x): x
        case .single(let x): x.widened()
        }
    }

    /// The rows as float32 (a copy for float64 rows).
    var singlePrecision: [Float] {
        switch self {
        case .double(let x): x.storage.map { Float($0) }
        case .single(let x): x.storage
        }
    }

    /// The weighted cross-product of this representation's rows `pairs.aRows` and `other`'s
    /// `pairs.bRows` (`PairedProducts.cross`).
    func cross(_ other: CentredValues, pairs: PairedRows) -> [Double] {
        if case .single(let x) = self, case .single(let y) = other { return PairedProducts.cross(x, y, pairs: pairs) }
        return PairedProducts.cross(widened, other.widened, pairs: pairs)
    }

    /// Σᵣ xᵣ yᵣᵀ over the consecutive rows `range`.
    func cross(_ other: CentredValues, range: Range<Int>) -> [Double] {
        if case .single(let x) = self, case .single(let y) = other { return PairedProducts.cross(x, y, range: range) }
        return PairedProducts.cross(widened, other.widened, range: range)
    }

    /// The weighted scatter of the rows `rows` (`PairedProducts.scatter`).
    func scatter(rows: [Int], pairs: PairedRows) -> [Double] {
        switch self {
        case .double(let x): PairedProducts.scatter(x, rows: rows, pairs: pairs)
        case .single(let x): PairedProducts.scatter(x, rows: rows, pairs: pairs)
        }
    }

    /// Σᵣ xᵣ xᵣᵀ over the consecutive rows `range`.
    func scatter(range: Range<Int>) -> [Double] {
        switch self {
        case .double(let x): PairedProducts.scatter(x, range: range)
        case .single(let x): PairedProducts.scatter(x, range: range)
        }
    }

    /// ‖xᵣ − μ_w‖² for the rows `rows` (`PairedRows.rowSquares`); float32 rows keep the squares of
    /// the unweighted (centred) rows from their centring.
    func rowSquares(rows: [Int], pairs: PairedRows) -> [Double] {
        switch self {
        case .double(let x): return pairs.rowSquares(of: x, rows: rows)
        case .single(let x):
            if pairs.weights == nil { return rows.map { x.rowSquares[$0] } }
            return pairs.rowSquares(of: x, rows: rows)
        }
    }

    /// Column sums of the consecutive rows `range`, in Double.
    func columnSums(range: Range<Int>) -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        switch self {
        case .double(let x):
            for i in range { for j in 0..<x.columns { sums[j] += x.storage[i * x.columns + j] } }
        case .single(let x):
            for i in range { for j in 0..<x.columns { sums[j] += Double(x.storage[i * x.columns + j]) } }
        }
        return sums
    }
}
