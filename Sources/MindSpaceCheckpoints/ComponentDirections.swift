import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics

/// The leading principal directions of a checkpoint set in parameter space, written by a second
/// streaming pass: vₖ = Xcᵀ·uₖ/√λₖ (K × p), from the eigenvectors uₖ and eigenvalues λₖ of the
/// centred Gram matrix (`GramPCA`). For each chunk of parameters the block of n checkpoints
/// is centred on its column means (`GramKernels.centreColumns`), and the K × width piece of V is the product
/// (Λ^{-1/2}·Uᵀ)·Xc_block (`dgemm`), written straight into its columns of the `.npy` file.
/// Memory: one n × chunk block and one K × chunk piece; cost: reading the checkpoints once more,
/// 2·K·n·p flops.
///
/// Each vₖ is a unit vector in exact arithmetic (‖Xcᵀuₖ‖² = uₖᵀGc·uₖ = λₖ); the computed
/// norm differs from 1 by about ε·λ₁/λₖ, which is why only components with λₖ > 1e-12·λ₁
/// (`GramPCA.resolvedComponentCount`) can be written: the rest carry no variance and have no
/// direction the data define. Signs follow uₖ (so coordinates = Xc·vₖ). Row k of the file is
/// vₖ, its columns the parameters in `ParameterLayout` order.
public enum ComponentDirections {
    /// Streams `streamer`'s set and writes the first `count` directions of `pca` (which must
    /// come from the same set) to `path` as a float64 `.npy` of shape count × p. `count` must be at
    /// most `pca.resolvedComponentCount`. Returns the pass totals (hashes, bytes read).
    @discardableResult
    public static func write(_ streamer: CheckpointStreamer, pca: GramPCA, count: Int, to path: String,
                             progress: ((Int) -> Void)? = nil) throws -> CheckpointStreamer.PassTotals {
        let n = streamer.set.count
        precondition(pca.pointCount == n && count >= 1 && count <= pca.resolvedComponentCount)
        // A = Λ^{-1/2}·Uᵀ, K × n: row k is uₖ/√λₖ.
        var projector = [Double](repeating: 0, count: count * n)
        for k in 0..<count {
            let scale = 1 / pca.spectrum.eigenvalues[k].squareRoot()
            for i in 0..<n { projector[k * n + i] = pca.vectors[k, i] * scale }
        }
        let writer = try NpyMatrixFileWriter(path: path, rows: count, columns: streamer.set.layout.parameterCount)
        var piece = [Double](repeating: 0, count: count * streamer.chunkElements)
        let totals = try streamer.forEachBlock(progress: progress) { chunk, block in
            let width = chunk.width
            if let data = block.baseAddress { GramKernels.centreColumns(data, ld: width, rows: n, width: width) }
            projector.withUnsafeBufferPointer { a in
                piece.withUnsafeMutableBufferPointer { c in
                    guard let aBase = a.baseAddress, let bBase = block.baseAddress, let cBase = c.baseAddress else { return }
                    BLAS.gemm(transposeA: false, transposeB: false, m: count, n: width, k: n,
                              alpha: 1, a: aBase, lda: n, b: bBase, ldb: width, beta: 0, c: cBase, ldc: width)
                }
            }
            try piece.withUnsafeBufferPointer { values in
                try writer.writeColumns(UnsafeBufferPointer(rebasing: values[0..<(count * width)]),
                                        firstColumn: chunk.parameters.lowerBound, width: width)
            }
        }
        try writer.finish()
        return totals
    }
}
