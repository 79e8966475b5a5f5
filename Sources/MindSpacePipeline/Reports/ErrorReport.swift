import Foundation
import MindSpaceCore

/// What a failed command prints on stdout under `--json` (shared/cli.md, "Exit codes"):
/// `{"error": {"code": 65, "file": "bad.npy", "message": "NaN at row 3, …"}}`, so a script that
/// parses stdout gets one JSON object whether the command succeeded or not. `code` is the exit
/// status, `file` the file the problem is in (`null` when none is), and `message` the reason
/// alone, without the file (the stderr line joins them).
public struct ErrorReport: Encodable, Equatable, Sendable {
    public struct Detail: Codable, Equatable, Sendable {
        public var code: Int32
        public var file: String?
        public var message: String

        enum CodingKeys: String, CodingKey { case code, file, message }

        public init(code: Int32, file: String?, message: String) {
            self.code = code
            self.file = file
            self.message = message
        }

        /// Writes `file` as `null` rather than leaving the key out: the three keys are promised.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(file, forKey: .file)
            try container.encode(message, forKey: .message)
        }
    }

    public var error: Detail

    public init(code: Int32, file: String?, message: String) {
        error = Detail(code: code, file: file, message: message)
    }

    /// The report of a library error: its exit code, its file, and its reason (with the byte
    /// offset where it has one), as one line.
    public init(_ error: MindSpaceError) {
        var located = error
        located.file = nil
        self.init(code: error.exitCode, file: error.file, message: located.description)
    }

    /// The report as UTF-8 JSON ending in a newline (never fails: it holds only strings and a
    /// number).
    public func json() -> Data {
        (try? ReportEncoding.json(self)) ?? Data("{\"error\": {\"code\": \(error.code), \"file\": null, \"message\": \"unencodable error\"}}\n".utf8)
    }
}
