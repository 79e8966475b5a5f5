import MindSpaceCore
import MindSpaceNumerics

/// What a program built on MindSpace (the `mindspace` command among them) sets up for its
/// process before it runs a job: the BLAS kernels and the thread count. Both are process-wide.
public enum ProcessSetup {
    /// Makes OpenBLAS use the kernels this processor supports when it fell back to its generic
    /// ones, by re-launching the process once with `OPENBLAS_CORETYPE` set
    /// (`OpenBLASCoreSelection.relaunchIfBeneficial`). Call it first, before any other work: the
    /// process may be replaced by a fresh copy with the same arguments.
    public static func selectBLASKernels() {
        OpenBLASCoreSelection.relaunchIfBeneficial()
    }

    /// Sets the threads every parallel loop and BLAS may use (`nil`: every active core); see
    /// `ParallelLoop.setThreadLimit(_:)`. Results do not depend on it.
    public static func setThreadLimit(_ limit: Int?) {
        ParallelLoop.setThreadLimit(limit)
    }

    /// The OpenBLAS kernel family this process runs (`OPENBLAS_CORETYPE`, or what OpenBLAS chose).
    public static var blasKernel: String {
        BLAS.coreName
    }
}
