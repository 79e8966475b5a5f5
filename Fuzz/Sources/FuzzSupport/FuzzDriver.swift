import CFuzzDriver

/// Runs libFuzzer (`LLVMFuzzerRunDriver`) over `harness`, with the process's own arguments
/// (`-runs=`, `-max_total_time=`, corpus folders: libFuzzer's usual command line).
///
/// Why: SwiftPM links an executable target with `main` aliased to `<Module>_main`, so libFuzzer's
/// own `main` cannot be used; each harness defines `<Module>_main` and calls this.
public enum FuzzDriver {
    public typealias Harness = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ harness: Harness) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, harness)
    }
}
