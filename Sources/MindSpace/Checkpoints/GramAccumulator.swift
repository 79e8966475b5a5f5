/// Accumulates the centred Gram matrix Gc = Xc·Xcᵀ (n×n) of n points in p dimensions from blocks
/// of columns (parameters), in `Double`: the streaming half of PCA by the Gram (dual) route, for
/// n checkpoints of p ≫ n parameters. Memory O(n² · groups + width); cost n²·p flops (`dsyrk`).
///
/// Centring. The textbook route forms G = X·Xᵀ and centres it afterwards, Gc = J·G·J with
/// J = I − 11ᵀ/n. Since J·G·J = (J·X)(J·X)ᵀ and every block holds all n values of its
/// parameters, J·X is formed exactly, block by block, by subtracting each parameter's mean over
/// the n points, and `dsyrk` then adds (J·X)(J·X)ᵀ. The result is the same matrix in exact
/// arithmetic, but without cancellation: centring G afterwards subtracts numbers of size ‖x‖²
/// to get numbers of size ‖x − x̄‖², losing log₁₀(‖x‖²/‖x − x̄‖²) digits, which is 6–8 digits for
/// a fine-tune that moves the weights by 0.01 %. Here each entry carries the round-off of a sum
/// of p products of centred values, as in a dense PCA.
///
/// Groups: each block belongs to one group and is added to that group's matrix; because a Gram
/// matrix is a sum over parameters, the groups' matrices add up to the matrix of all parameters.
public struct GramAccumulator {
    /// n, the number of points (rows of every block).
    public let count: Int
    /// The upper triangles (row-major n×n) of each group's centred Gram matrix.
    private var upper: [[Double]]
    private var means: [Double] = []

    /// An accumulator for `count` points and `groupCount` groups, all matrices zero.
    public init(count: Int, groupCount: Int = 1) {
        precondition(count >= 1 && groupCount >= 1)
        self.count = count
        upper = Array(repeating: [Double](repeating: 0, count: count * count), count: groupCount)
    }

    /// Centres the row-major n × `width` block in place (each column minus its mean over the n
    /// rows) and adds its Gram matrix to group `group`.
    public mutating func add(block: UnsafeMutableBufferPointer<Double>, width: Int, group: Int) {
        precondition(block.count >= count * width && group >= 0 && group < upper.count)
        guard width > 0, let base = block.baseAddress else { return }
        if means.count < width { means = [Double](repeating: 0, count: width) }
        means.withUnsafeMutableBufferPointer { scratch in
            Self.centreColumns(block, rows: count, width: width, means: scratch)
        }
        let n = count
        upper[group].withUnsafeMutableBufferPointer { gram in
            guard let gramBase = gram.baseAddress else { return }
            BLAS.syrkUpper(transpose: false, n: n, k: width, alpha: 1, a: base, lda: width,
                           beta: 1, c: gramBase, ldc: n)
        }
    }

    /// Subtracts from each column of the row-major `rows` × `width` block its mean over the rows
    /// (J·X for this block). `means` is scratch of at least `width` doubles. The same function
    /// serves the component pass, so both passes centre identically.
    public static func centreColumns(_ block: UnsafeMutableBufferPointer<Double>, rows: Int, width: Int,
                                     means: UnsafeMutableBufferPointer<Double>) {
        precondition(block.count >= rows * width && means.count >= width)
        guard rows > 0, width > 0, let data = block.baseAddress, let mean = means.baseAddress else { return }
        mean.update(repeating: 0, count: width)
        for r in 0..<rows { addRow(data + r &* width, into: mean, count: width) }
        let scale = 1 / Double(rows)
        for c in 0..<width { mean[c] *= scale }
        for r in 0..<rows { subtract(mean, from: data + r &* width, count: width) }
    }

    /// sums[c] += row[c] for c < count (a separate function so the loop vectorises).
    @inline(never)
    private static func addRow(_ row: UnsafePointer<Double>, into sums: UnsafeMutablePointer<Double>, count: Int) {
        for c in 0..<count { sums[c] += row[c] }
    }

    /// row[c] −= mean[c] for c < count.
    @inline(never)
    private static func subtract(_ mean: UnsafePointer<Double>, from row: UnsafeMutablePointer<Double>, count: Int) {
        for c in 0..<count { row[c] -= mean[c] }
    }

    /// The centred Gram matrix of group `group`, full symmetric n×n.
    public func centredGram(group: Int) -> Matrix<Double> {
        Self.symmetric(upper[group], n: count)
    }

    /// The centred Gram matrix of all parameters: the sum of every group's, full symmetric n×n.
    public func totalCentredGram() -> Matrix<Double> {
        var sum = [Double](repeating: 0, count: count * count)
        for matrix in upper {
            for index in sum.indices { sum[index] += matrix[index] }
        }
        return Self.symmetric(sum, n: count)
    }

    /// The number of groups.
    public var groupCount: Int { upper.count }

    private static func symmetric(_ upper: [Double], n: Int) -> Matrix<Double> {
        var full = upper
        for i in 0..<n {
            for j in 0..<i { full[i * n + j] = upper[j * n + i] }
        }
        return Matrix(rows: n, columns: n, storage: full)
    }
}
