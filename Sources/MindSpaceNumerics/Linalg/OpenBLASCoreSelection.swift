import Foundation
import MindSpaceCore

/// Picks OpenBLAS kernels the processor can run when OpenBLAS itself could not.
///
/// Debian's OpenBLAS 0.3.21 (`DYNAMIC_ARCH`) chooses its kernels from the CPU model number when
/// the library loads. On processors newer than the library (for example Intel family 6 model
/// 207, seen on this project's machines) it falls back to the generic `Prescott` (SSE3) kernels,
/// which run GEMM 4–5× slower than the AVX-512 ones the processor supports. The choice can only
/// be changed through the `OPENBLAS_CORETYPE` environment variable *before* the library loads,
/// so the `mindspace` executable re-launches itself once with the variable set
/// (`relaunchCore`); library users can set it themselves.
///
/// The rule is conservative: it acts only when OpenBLAS fell back to `Prescott`, the user has
/// not set `OPENBLAS_CORETYPE` (a value set by the environment, e.g. to avoid a kernel that is
/// broken on some processor, is always respected), and `/proc/cpuinfo` lists every instruction
/// set the chosen kernels use.
public enum OpenBLASCoreSelection {
    /// Set in the re-launched process so it never re-launches again.
    public static let relaunchMarker = "MINDSPACE_BLAS_RELAUNCHED"

    /// The best OpenBLAS 0.3.21 core type whose instructions are all in `flags` (the `flags`
    /// line of `/proc/cpuinfo`): `Cooperlake` (AVX-512 with BF16), `SkylakeX` (AVX-512
    /// F/BW/VL/DQ/CD), `Haswell` (AVX2 + FMA), `SandyBridge` (AVX), or `nil`.
    public static func bestCore(forCPUFlags flags: Set<String>) -> String? {
        let avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains)
        if avx512 && flags.contains("avx512_bf16") { return "Cooperlake" }
        if avx512 { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        if flags.contains("avx") { return "SandyBridge" }
        return nil
    }

    /// The core type to re-launch with, or `nil` to keep the current kernels.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - loadedCore: `BLAS.coreName` in this process.
    ///   - cpuFlags: the processor's flags (`cpuFlags()`).
    public static func relaunchCore(environment: [String: String], loadedCore: String,
                                    cpuFlags: Set<String>) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, environment[relaunchMarker] == nil,
              loadedCore.lowercased() == "prescott" else { return nil }
        return bestCore(forCPUFlags: cpuFlags)
    }

    /// The flags of the first processor in `/proc/cpuinfo` (empty if unreadable).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// If `relaunchCore` says so, replaces this process with a fresh copy of the running
    /// executable (same arguments) whose environment names the core type. Returns only when no
    /// re-launch is needed or `execv` failed (then the current kernels are used: slower, correct).
    public static func relaunchIfBeneficial() {
        let environment = ProcessInfo.processInfo.environment
        guard let core = relaunchCore(environment: environment, loadedCore: BLAS.coreName,
                                      cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(relaunchMarker, "1", 1)
        let arguments = CommandLine.arguments
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        pointers.append(nil)
        execv("/proc/self/exe", pointers)
        // execv only returns on failure: carry on with the kernels we have.
        for pointer in pointers { free(pointer) }
        unsetenv("OPENBLAS_CORETYPE")
    }
}
