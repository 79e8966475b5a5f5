import FuzzSupport
import MindSpace
@testable import MindSpaceIO

/// Fuzzes the TSV/CSV point reader (`DelimitedTextReader.parse`): the header test, separator
/// choice, CRLF and BOM handling, decimal parsing, row widths and non-finite values. The first
/// byte picks the path and separator a caller passes (its value mod 4: a `.tsv` with the default,
/// a `.csv` with the default, an explicit tab, an explicit comma), and, when it is 128 or more,
/// a differential check in 2 + (its value / 4 mod 3) chunks; the rest is the file.
///
/// Differential check: the reader splits large files into chunks parsed in parallel and
/// promises that the split changes no value and no error, so the input is parsed whole and split
/// into that many chunks (the `chunkCount:` entry its tests use, hence `@testable`), and the two
/// results must be the same tensor, bit for bit, or the same error. Parallel chunks cost threads
/// (about 100 inputs a second against thousands), hence only for half of the first-byte values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDelimitedText(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (choice, bytes) = FuzzInput(data, count).split(choices: 256)
    let modes: [(path: String, separator: Character?)] = [("fuzz.tsv", nil), ("fuzz.csv", nil),
                                                          ("fuzz.txt", "\t"), ("fuzz.txt", ",")]
    let mode = modes[choice % 4]
    let chunks = 2 + (choice / 4) % 3
    let whole = Result { try DelimitedTextReader.parse(bytes: bytes, path: mode.path, separator: mode.separator, chunkCount: 1) }
    guard choice >= 128 else {
        ReaderContract.check { TensorExercise.read([try whole.get()]) }
        return 0
    }
    let split = Result { try DelimitedTextReader.parse(bytes: bytes, path: mode.path, separator: mode.separator, chunkCount: chunks) }
    ReaderContract.check {
        switch (whole, split) {
        case (.success(let a), .success(let b)):
            ReaderContract.expect(a.shape == b.shape, "shape \(a.shape) whole, \(b.shape) in \(chunks) chunks")
            let (bitsA, bitsB) = (try elementBits(a), try elementBits(b))
            ReaderContract.expect(bitsA == bitsB, "values differ in \(chunks) chunks")
            TensorExercise.read([a])
        case (.failure(let a), .failure(let b)):
            ReaderContract.expect("\(a)" == "\(b)", "error '\(a)' whole, '\(b)' in \(chunks) chunks")
            _ = try whole.get()
        default:
            ReaderContract.expect(false, "whole: \(whole), in \(chunks) chunks: \(split)")
        }
    }
    return 0
}

/// Every element's bits (so NaN payloads and signed zeros count).
func elementBits(_ tensor: StoredTensor) throws -> [UInt64] {
    var values = [Double](repeating: 0, count: tensor.elementCount)
    try values.withUnsafeMutableBufferPointer { try tensor.readElements(0..<$0.count, into: $0) }
    return values.map(\.bitPattern)
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzDelimitedText_main")
public func fuzzDelimitedTextMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzDelimitedText)
}
