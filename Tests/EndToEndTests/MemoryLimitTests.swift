import Foundation
import Testing
import MindSpaceTestSupport

/// Memory (issue 17, part 4): a header can declare an array far larger than the machine in a few
/// bytes, and a failed allocation is a crash. Loads are checked against `MemoryBudget` (physical
/// memory, `ulimit -v`, the cgroup limit) before anything is allocated; and every command, run
/// under `ulimit -v 2000000` (about 1.9 GB of address space) on its largest shipped input,
/// succeeds or fails with one clear line, never a signal.
@Suite struct MemoryLimitTests {
    /// `ulimit -v` in KiB, as the issue gives it.
    static let addressSpaceKiB = 2_000_000

    /// Runs `mindspace arguments…` under `ulimit -v addressSpaceKiB` from the package root.
    static func runLimited(_ arguments: [String]) throws -> CommandRunner.Result {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try CommandRunner.runInShell("cd '\(CommandRunner.packageRoot.path)' && ulimit -v \(addressSpaceKiB) && exec \"$MINDSPACE\" \(quoted)")
    }

    /// A sparse `.npy` file (no disk blocks behind its data) declaring `shape` of float32.
    static func sparseNpy(_ shape: [Int], in folder: URL) throws -> String {
        var dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
        while (10 + dictionary.utf8.count + 1) % 64 != 0 { dictionary += " " }
        var header = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dictionary.utf8.count + 1)
        header.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        header.append(contentsOf: Array((dictionary + "\n").utf8))
        return try sparseFile(header: header, dataBytes: shape.reduce(4, *), named: "huge.npy", in: folder)
    }

    /// A sparse `.safetensors` file declaring one float32 tensor `x` of `shape`.
    static func sparseSafetensors(_ shape: [Int], in folder: URL) throws -> String {
        let bytes = shape.reduce(4, *)
        var json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[0,\(bytes)]}}"
        while json.utf8.count % 8 != 0 { json += " " }
        var header = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { header.append(contentsOf: $0) }
        header.append(contentsOf: Array(json.utf8))
        return try sparseFile(header: header, dataBytes: bytes, named: "huge.safetensors", in: folder)
    }

    /// A sparse GGUF (version 3, no metadata) declaring one float32 tensor `x` of `shape`
    /// (written innermost dimension first, as ggml does).
    static func sparseGGUF(_ shape: [Int], in folder: URL) throws -> String {
        var header = Data()
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        header.append(contentsOf: Array("GGUF".utf8))
        u32(3); u64(1); u64(0)
        u64(1); header.append(contentsOf: Array("x".utf8))
        u32(UInt32(shape.count))
        for extent in shape.reversed() { u64(UInt64(extent)) }
        u32(0); u64(0)  // type F32, offset 0 in the data section
        while header.count % 32 != 0 { header.append(0) }
        return try sparseFile(header: header, dataBytes: shape.reduce(4, *), named: "huge.gguf", in: folder)
    }

    static func sparseFile(header: Data, dataBytes: Int, named name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try header.write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(header.count + dataBytes))
        try handle.close()
        return url.path
    }

    /// 50 000 × 20 000 float32 (3.7 GB) in sparse .npy, .safetensors and .gguf files, under a
    /// 1.9 GB address space: refused before any
    /// allocation, naming the size, by every command that loads points.
    @Test func declaredShapesBeyondMemoryAreRefusedNamingTheSize() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shape = [50_000, 20_000]
        for file in [try Self.sparseNpy(shape, in: folder), try Self.sparseSafetensors(shape, in: folder),
                     try Self.sparseGGUF(shape, in: folder)] {
            for command in ["pca", "id", "project"] {
                let out = folder.appendingPathComponent("out-\(command)").path
                let result = try Self.runLimited([command, file, "--quiet", "--out", out])
                #expect(result.status == 65, "\(command) \(file): \(result.stderr)")
                #expect(result.stderr.hasPrefix("mindspace: \(file): array "), "\(result.stderr)")
                #expect(result.stderr.contains("(50000 × 20000) loaded as float32 needs 3.7 GB of memory, more than this machine allows a process (1.9 GB)"),
                        "\(command) \(file): \(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: out))
            }
        }
    }

    /// A shape larger than the file that declares it is refused as truncated (no allocation, no
    /// limit needed), even where its byte size overflows.
    @Test func declaredShapesBeyondTheFileAreRefused() throws {
        let folder = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for shape in [[1_000_000_000, 1_000_000], [Int(Int32.max), Int(Int32.max), 1 << 20]] {
            let url = folder.appendingPathComponent("lie.npy")
            var dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(shape.map(String.init).joined(separator: ", ")),), }"
            while (10 + dictionary.utf8.count + 1) % 64 != 0 { dictionary += " " }
            var bytes = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8((dictionary.utf8.count + 1) & 0xFF), 0])
            bytes.append(contentsOf: Array((dictionary + "\n").utf8) + [UInt8](repeating: 0, count: 64))
            try bytes.write(to: url)
            let result = try CommandRunner.run(["pca", url.path, "--quiet", "--out", folder.appendingPathComponent("o").path])
            #expect(result.status == 65, "\(shape): \(result.stderr)")
            #expect(result.stderr.contains("truncated") || result.stderr.contains("too large"), "\(shape): \(result.stderr)")
        }
    }

    /// Every command on its largest shipped input under `ulimit -v 2000000`: exit 0, or a
    /// data or output error with one `mindspace:` line; never killed by a signal (which `sh` reports as
    /// 128 + N) or a Swift runtime trap.
    @Test func everyCommandRunsUnderAnAddressSpaceLimit() throws {
        let out = try CommandRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let runs = "datasets/trajectories/runs"
        let commands: [[String]] = [
            ["inspect", "--stats", "datasets/text-embeddings.npy", "datasets/text-layers.npz", "\(runs)/subset0-seed0"],
            ["pca", "datasets/text-embeddings.npy"],
            ["id", "datasets/text-embeddings.npy", "--estimator", "twonn"],
            ["project", "datasets/text-embeddings.npy", "--method", "umap"],
            ["contrast", "datasets/digits.npy", "--estimator", "twonn"],
            ["groups", "datasets/text-embeddings.npy", "--groups", "datasets/text-embeddings-groups.tsv", "--group-column", "group"],
            ["compare"] + (0..<3).map { "datasets/digit-representations/subset0-seed\($0).npy" },
            ["layers", "datasets/text-layers.npz"],
            ["trajectory", "\(runs)/subset0-seed0"],
            ["batch", runs],
            ["align", "\(runs)/subset0-seed0/epoch_20.safetensors", "\(runs)/subset0-seed1/epoch_20.safetensors"],
            ["generate", "sphere", "--n", "20000", "--dimension", "10"],
        ]
        for (index, command) in commands.enumerated() {
            let writes = command[0] != "inspect"
            let result = try Self.runLimited(command + ["--quiet"] + (writes ? ["--out", out.appendingPathComponent("\(index)").path] : []))
            // Not 64 or 66: those would mean the test's own command line or inputs are wrong.
            #expect([0, 65, 73, 74].contains(result.status), "\(command): exit \(result.status): \(result.stderr)")
            if result.status != 0 {
                #expect(result.stderr.hasPrefix("mindspace: ") && result.stderr.filter { $0 == "\n" }.count == 1,
                        "\(command): \(result.stderr)")
            }
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Crash"), "\(command): \(result.stderr)")
        }
    }
}
