import Foundation
import MindSpaceCore
import MindSpaceNumerics
import MindSpaceDimension

/// JSON for reports and `--json` output: sorted keys and two-space indentation so the same run
/// gives byte-identical files; non-finite numbers become `null` (JSON has no NaN), which callers
/// must avoid producing in the first place for required keys.
public enum ReportEncoding {
    /// Encodes `value` as UTF-8 JSON ending in a newline.
    public static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        do {
            var data = try encoder.encode(value)
            data.append(0x0A)
            return data
        } catch {
            throw MindSpaceError(.outputFailed, "cannot encode the report as JSON: \(error)")
        }
    }

    /// Who made a report: written into every report and PNG.
    public struct Provenance: Codable, Equatable, Sendable {
        public var software: String
        public var version: String
        /// The command line, arguments joined by spaces.
        public var command: String
        public var seed: UInt64?
        public var inputs: [InputRecord]
        /// The OpenBLAS kernel family used (results can differ in the last bits between kernels).
        public var blasCore: String

        enum CodingKeys: String, CodingKey {
            case software, version, command, seed, inputs
            case blasCore = "blas_core"
        }

        public init(command: [String], seed: UInt64?, inputs: [InputRecord]) {
            software = "mindspace"
            version = MindSpaceVersion.string
            self.command = command.joined(separator: " ")
            self.seed = seed
            self.inputs = inputs
            blasCore = BLAS.coreName
        }
    }
}
