import MindSpaceCore
import MindSpacePipeline

/// What `mindspace --version` prints: the version, the commit the binary was built from (by the
/// `BuildCommit` plugin; "unknown" outside a git checkout, "-dirty" with uncommitted changes) and
/// the OpenBLAS kernel family this process runs (results can differ in the last bits between
/// kernels), so a bug report carries all three.
enum VersionText {
    static var line: String {
        "mindspace \(MindSpaceVersion.string) (commit \(buildCommit), OpenBLAS kernel \(ProcessSetup.blasKernel))"
    }
}
