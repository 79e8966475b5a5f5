import MindSpaceCore

extension ParallelLoop {
    /// Sets how many threads MindSpace computes on, for the whole process: `threadLimit` for
    /// every parallel loop. OpenBLAS itself stays on one thread whatever the limit (`BLAS.singleThreaded`): how it
    /// splits a product depends on its thread count, and so did the last bits of PCA's results,
    /// so MindSpace spreads BLAS work over cores itself, in panels fixed by the matrix sizes
    /// (`BLAS.panelledSyrkUpper`, `BLAS.panelledGemm`). `nil` or a value below 1 means every
    /// active core.
    ///
    /// The one call a program makes for `--threads`, once at start-up, before any analysis
    /// starts: the limit is process-wide, so changing it while work runs on other threads
    /// changes how that work is spread (never its results).
    public static func setThreadLimit(_ limit: Int?) {
        threadLimit = limit ?? 0
        _ = BLAS.singleThreaded
    }
}
