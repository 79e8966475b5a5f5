import Foundation
import MindSpaceCore

/// Encodes tensors as a `.safetensors` file (Hugging Face's format): an 8-byte little-endian
/// header length N, N bytes of JSON header, then the tensors' bytes back to back.
///
/// The header is one JSON object: an optional `"__metadata__"` string map first, then every
/// tensor under its name in sorted (code point) order, each as
/// `{"dtype":"F32","shape":[32,64],"data_offsets":[begin,end]}` with offsets relative to the end
/// of the header. The data follows in the same sorted order, and the header is padded with spaces
/// to a multiple of 8 bytes (as the `safetensors` library pads it), so the data is aligned. The
/// same tensors always give the same bytes. Writers only produce `Data`; callers write it through
/// `OutputTransaction`.
public enum SafetensorsWriter {
    /// One tensor to write: its elements' bytes, little-endian and row-major, exactly
    /// `shape.product × dtype.byteSize` of them.
    public struct Entry: Sendable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public var bytes: Data

        public init(name: String, dtype: DType, shape: [Int], bytes: Data) {
            precondition(bytes.count == shape.reduce(1, *) * dtype.byteSize, "tensor bytes do not fill the shape")
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }
    }

    /// The file's bytes. Names must be distinct (a programmer error otherwise).
    public static func encode(_ entries: [Entry], metadata: [String: String] = [:]) -> Data {
        let sorted = entries.sorted { Array($0.name.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.name.unicodeScalars.map(\.value)) }
        precondition(Set(sorted.map(\.name)).count == sorted.count, "duplicate tensor names")
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0] ?? ""))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for entry in sorted {
            let end = offset + entry.bytes.count
            let shape = entry.shape.map(String.init).joined(separator: ",")
            fields.append("\(quoted(entry.name)):{\"dtype\":\"\(entry.dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for entry in sorted { data.append(entry.bytes) }
        return data
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
