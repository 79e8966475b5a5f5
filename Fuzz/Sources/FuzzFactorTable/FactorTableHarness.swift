import FuzzSupport
import MindSpace

/// Fuzzes the factor-table reader (`FactorTable.parse`, `compare --factors`): header, widths,
/// duplicate columns and names; the first byte picks `.tsv` or `.csv`. Checks that every named
/// input has one level per factor.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFactorTable(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (choice, bytes) = FuzzInput(data, count).split(choices: 2)
    ReaderContract.check {
        let table = try FactorTable.parse(bytes: bytes, path: choice == 0 ? "fuzz.tsv" : "fuzz.csv")
        for name in table.names {
            ReaderContract.expect(table.levels[name]?.count == table.factors.count,
                                  "input '\(name)' lacks levels for some of \(table.factors.count) factors")
        }
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzFactorTable_main")
public func fuzzFactorTableMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzFactorTable)
}
