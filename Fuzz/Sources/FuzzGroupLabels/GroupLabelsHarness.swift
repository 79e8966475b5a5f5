import FuzzSupport
import MindSpace

/// Fuzzes the group-label reader (`GroupLabelsReader.parse`, TensorBoard's `metadata.tsv`): the
/// one-column/header rule, CRLF, BOM, invalid UTF-8, and `--group-column`. The first byte picks
/// the mode (`.tsv` or `.csv`, no column, the column `label`, or a column that is not there),
/// then `checkCount` runs against the label count and one more.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGroupLabels(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (choice, bytes) = FuzzInput(data, count).split(choices: 6)
    let path = choice % 2 == 0 ? "fuzz.tsv" : "fuzz.csv"
    let column: String? = [nil, "label", "absent"][choice / 2]
    ReaderContract.check {
        let labels = try GroupLabelsReader.parse(bytes: bytes, path: path, column: column)
        try GroupLabelsReader.checkCount(labels, points: labels.count, path: path)
        ReaderContract.check { try GroupLabelsReader.checkCount(labels, points: labels.count + 1, path: path) }
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzGroupLabels_main")
public func fuzzGroupLabelsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzGroupLabels)
}
