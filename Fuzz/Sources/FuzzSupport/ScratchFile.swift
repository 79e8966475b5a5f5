import Foundation

/// A file in memory-backed `/dev/shm` (the system temporary folder where there is none), for the
/// readers that take a path rather than bytes. Each process writes one folder of its own,
/// `mindspace-fuzz-<pid>`, and rewrites the same files on every input.
public enum ScratchFile {
    /// The folder of this process, created on first use.
    public static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = "\(base)/mindspace-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes `bytes` to `name` inside `folder` (replacing it) and returns the file's path;
    /// `nil` if the file cannot be written (the harness then skips the input).
    public static func write(_ bytes: UnsafeRawBufferPointer, named name: String) -> String? {
        let path = "\(folder)/\(name)"
        let data = bytes.isEmpty ? Data() : Data(bytes)
        return FileManager.default.createFile(atPath: path, contents: data) ? path : nil
    }
}
