import Foundation
import Testing
@testable import MindSpaceNumerics
import MindSpaceTestSupport

@Suite struct OpenBLASCoreSelectionTests {
    static let skylakeFlags: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]

    @Test func bestCoreNeedsEveryInstructionSetItUses() {
        #expect(OpenBLASCoreSelection.bestCore(forCPUFlags: Self.skylakeFlags.union(["avx512_bf16"])) == "Cooperlake")
        #expect(OpenBLASCoreSelection.bestCore(forCPUFlags: Self.skylakeFlags) == "SkylakeX")
        // AVX-512 without DQ: not SkylakeX; falls to Haswell.
        #expect(OpenBLASCoreSelection.bestCore(forCPUFlags: Self.skylakeFlags.subtracting(["avx512dq"])) == "Haswell")
        #expect(OpenBLASCoreSelection.bestCore(forCPUFlags: ["avx", "avx2"]) == "SandyBridge")
        #expect(OpenBLASCoreSelection.bestCore(forCPUFlags: ["sse3"]) == nil)
    }

    @Test func relaunchOnlyFixesTheGenericFallbackAndRespectsTheUser() {
        let flags = Self.skylakeFlags
        #expect(OpenBLASCoreSelection.relaunchCore(environment: [:], loadedCore: "Prescott", cpuFlags: flags) == "SkylakeX")
        #expect(OpenBLASCoreSelection.relaunchCore(environment: [:], loadedCore: "Haswell", cpuFlags: flags) == nil)
        #expect(OpenBLASCoreSelection.relaunchCore(environment: ["OPENBLAS_CORETYPE": "Prescott"],
                                                   loadedCore: "Prescott", cpuFlags: flags) == nil)
        #expect(OpenBLASCoreSelection.relaunchCore(environment: [OpenBLASCoreSelection.relaunchMarker: "1"],
                                                   loadedCore: "Prescott", cpuFlags: flags) == nil)
    }

    /// The CLI reports the kernels it ran with: the user's choice if set, else never the generic
    /// fallback on a processor that has vector kernels.
    @Test func commandLineRunsWithTheSelectedKernels() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let digits = CommandRunner.packageRoot.appendingPathComponent("datasets/digits.npy").path
        let result = try CommandRunner.run(["pca", digits, "--json", "--out", folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let core = try #require((result.json?["provenance"] as? [String: Any])?["blas_core"] as? String)
        if let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] {
            #expect(core.lowercased() == chosen.lowercased())
        } else if OpenBLASCoreSelection.bestCore(forCPUFlags: OpenBLASCoreSelection.cpuFlags()) != nil {
            #expect(core.lowercased() != "prescott")
        }
    }
}
