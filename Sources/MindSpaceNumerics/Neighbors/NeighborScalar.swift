/// The element types the neighbour engine computes in: `Float` and `Double`.
///
/// Float32 input is searched in float32 and float64 input in float64 (no silent promotion).
/// The requirements are the two hot kernels that must be compiled for the concrete type: the
/// block product (`sgemm`/`dgemm`) and the SIMD pass that turns a row of dot products into
/// squared distances. (Generic SIMD code in Swift runs through per-lane fallbacks; concrete
/// `SIMD8<Float>`/`SIMD8<Double>` arithmetic compiles to vector instructions, so the kernel is
/// written once per type.)
public protocol NeighborScalar: BinaryFloatingPoint & Sendable {
    /// C (m×n) ← A (m×d) · Bᵀ (B is n×d), all row-major and contiguous (leading dimension d
    /// for A and B, n for C), on the calling thread; `scratch` is the caller's packing space for
    /// the float32 kernels (ignored by float64).
    static func multiplyTransposed(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>,
                                   into c: UnsafeMutablePointer<Self>, m: Int, n: Int, d: Int,
                                   scratch: SinglePrecisionProducts.Scratch?)

    /// Overwrites `count` dot products pⱼ = x·yⱼ in `row` with the squared distances
    /// ‖x‖² + ‖yⱼ‖² − 2pⱼ (`rowNorm` = ‖x‖², `columnNorms[j]` = ‖yⱼ‖²; not clamped, so round-off
    /// can leave small negatives) and returns whether any of them is ≤ `rowWorst` or ≤
    /// `columnWorst[j]`, i.e. could enter the row's or the column's neighbour list.
    static func squaredDistances(_ row: UnsafeMutablePointer<Self>, count: Int, rowNorm: Self,
                                 columnNorms: UnsafePointer<Self>, rowWorst: Self,
                                 columnWorst: UnsafePointer<Self>) -> Bool

    /// `out[c]` = Σᵢ (xᵢ − pᵢ)² in the working precision for the rows p = `points` +
    /// `columns`·`indices[c]`, by `NeighborKernels.squaredDistances` (fixed partial-sum lanes:
    /// the same value for the same pair on every processor).
    static func directSquaredDistances(from x: UnsafePointer<Self>, to points: UnsafePointer<Self>, columns: Int,
                                       indices: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Self>)
}

extension Float: NeighborScalar {
    public static func directSquaredDistances(from x: UnsafePointer<Float>, to points: UnsafePointer<Float>,
                                              columns: Int, indices: UnsafePointer<Int32>, count: Int,
                                              into out: UnsafeMutablePointer<Float>) {
        NeighborKernels.squaredDistances(from: x, to: points, columns: columns, indices: indices, count: count, into: out)
    }

    /// By `SinglePrecisionProducts` where its AVX-512 kernels run (about twice OpenBLAS's float32
    /// rate when the environment pins OpenBLAS to its AVX2 kernels), else by BLAS `sgemm`.
    public static func multiplyTransposed(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                          into c: UnsafeMutablePointer<Float>, m: Int, n: Int, d: Int,
                                          scratch: SinglePrecisionProducts.Scratch?) {
        if SinglePrecisionProducts.isAccelerated {
            SinglePrecisionProducts.multiplyTransposed(a, b, into: c, m: m, n: n, d: d, scratch: scratch)
            return
        }
        BLAS.gemm(transposeA: false, transposeB: true, m: m, n: n, k: d,
                  alpha: 1, a: a, lda: d, b: b, ldb: d, beta: 0, c: c, ldc: n)
    }

    public static func squaredDistances(_ row: UnsafeMutablePointer<Float>, count: Int, rowNorm: Float,
                                        columnNorms: UnsafePointer<Float>, rowWorst: Float,
                                        columnWorst: UnsafePointer<Float>) -> Bool {
        typealias Lanes = SIMD8<Float>
        let norm = Lanes(repeating: rowNorm), worstOfRow = Lanes(repeating: rowWorst)
        var candidates = SIMDMask<SIMD8<Int32>>(repeating: false)
        var column = 0
        while column + Lanes.scalarCount <= count {
            let products = UnsafeRawPointer(row + column).loadUnaligned(as: Lanes.self)
            let norms = UnsafeRawPointer(columnNorms + column).loadUnaligned(as: Lanes.self)
            let worst = UnsafeRawPointer(columnWorst + column).loadUnaligned(as: Lanes.self)
            let squared = norm + norms - 2 * products
            UnsafeMutableRawPointer(row + column).storeBytes(of: squared, as: Lanes.self)
            candidates .|= (squared .<= worstOfRow) .| (squared .<= worst)
            column += Lanes.scalarCount
        }
        var found = any(candidates)
        while column < count {
            let squared = rowNorm + columnNorms[column] - 2 * row[column]
            row[column] = squared
            found = found || squared <= rowWorst || squared <= columnWorst[column]
            column += 1
        }
        return found
    }
}

extension Double: NeighborScalar {
    public static func directSquaredDistances(from x: UnsafePointer<Double>, to points: UnsafePointer<Double>,
                                              columns: Int, indices: UnsafePointer<Int32>, count: Int,
                                              into out: UnsafeMutablePointer<Double>) {
        NeighborKernels.squaredDistances(from: x, to: points, columns: columns, indices: indices, count: count, into: out)
    }

    public static func multiplyTransposed(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                                          into c: UnsafeMutablePointer<Double>, m: Int, n: Int, d: Int,
                                          scratch: SinglePrecisionProducts.Scratch?) {
        BLAS.gemm(transposeA: false, transposeB: true, m: m, n: n, k: d,
                  alpha: 1, a: a, lda: d, b: b, ldb: d, beta: 0, c: c, ldc: n)
    }

    public static func squaredDistances(_ row: UnsafeMutablePointer<Double>, count: Int, rowNorm: Double,
                                        columnNorms: UnsafePointer<Double>, rowWorst: Double,
                                        columnWorst: UnsafePointer<Double>) -> Bool {
        typealias Lanes = SIMD8<Double>
        let norm = Lanes(repeating: rowNorm), worstOfRow = Lanes(repeating: rowWorst)
        var candidates = SIMDMask<SIMD8<Int64>>(repeating: false)
        var column = 0
        while column + Lanes.scalarCount <= count {
            let products = UnsafeRawPointer(row + column).loadUnaligned(as: Lanes.self)
            let norms = UnsafeRawPointer(columnNorms + column).loadUnaligned(as: Lanes.self)
            let worst = UnsafeRawPointer(columnWorst + column).loadUnaligned(as: Lanes.self)
            let squared = norm + norms - 2 * products
            UnsafeMutableRawPointer(row + column).storeBytes(of: squared, as: Lanes.self)
            candidates .|= (squared .<= worstOfRow) .| (squared .<= worst)
            column += Lanes.scalarCount
        }
        var found = any(candidates)
        while column < count {
            let squared = rowNorm + columnNorms[column] - 2 * row[column]
            row[column] = squared
            found = found || squared <= rowWorst || squared <= columnWorst[column]
            column += 1
        }
        return found
    }
}
