import FuzzSupport
import MindSpace

/// Fuzzes the TSV/CSV point reader (`DelimitedTextReader.parse`): the header test, separator
/// choice, CRLF and BOM handling, decimal parsing, row widths and non-finite values. The first
/// byte picks the path and separator a caller passes (a `.tsv` with the default, `.csv` with the
/// default, an explicit tab, an explicit comma); the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDelimitedText(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (choice, bytes) = FuzzInput(data, count).split(choices: 4)
    let modes: [(path: String, separator: Character?)] = [("fuzz.tsv", nil), ("fuzz.csv", nil),
                                                          ("fuzz.txt", "\t"), ("fuzz.txt", ",")]
    let mode = modes[choice]
    ReaderContract.check {
        let tensor = try DelimitedTextReader.parse(bytes: bytes, path: mode.path, separator: mode.separator)
        TensorExercise.read([tensor])
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzDelimitedText_main")
public func fuzzDelimitedTextMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzDelimitedText)
}
