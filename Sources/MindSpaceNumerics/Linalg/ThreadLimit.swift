import MindSpaceCore

extension ParallelLoop {
    /// Sets how many threads MindSpace computes on, for the whole process: `threadLimit` for
    /// every parallel loop, and BLAS's own threads to the same number (used by the calls made
    /// outside our loops, such as PCA's `dsyrk`; code that runs its own loops sets BLAS to one
    /// thread meanwhile). `nil` or a value below 1 means every active core.
    ///
    /// The one call a program makes for `--threads`, once at start-up, before any analysis
    /// starts: both settings are process-wide, so changing them while work runs on other threads
    /// changes how that work is spread (never its results).
    public static func setThreadLimit(_ limit: Int?) {
        threadLimit = limit ?? 0
        BLAS.setThreadCount(threadLimit)
    }
}
