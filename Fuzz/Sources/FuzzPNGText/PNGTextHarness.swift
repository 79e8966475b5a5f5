import Foundation
import FuzzSupport
import MindSpace

/// Fuzzes the PNG writer's text chunks (`PNGCodec.encode` with `PNGTextEntry`s, the provenance
/// every figure carries, which holds paths and names from the user's files) and reads them back
/// (`PNGCodec.decode`). The input is split at NUL bytes into keyword, text, keyword, text, …
/// (invalid UTF-8 repaired as `String(decoding:)` does). Checks the round trip: every entry
/// comes back, in order, its text without NULs and its keyword as `PNGChunks` sanitises it
/// (1–79 printable Latin-1 characters).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNGText(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let parts = FuzzInput(data, count).array.split(separator: 0, omittingEmptySubsequences: false)
    var entries: [PNGTextEntry] = []
    var index = 0
    while index + 1 < parts.count {
        entries.append(PNGTextEntry(keyword: String(decoding: parts[index], as: UTF8.self),
                                    text: String(decoding: parts[index + 1], as: UTF8.self)))
        index += 2
    }
    let image = RasterImage(width: 2, height: 1, channels: 3, bytes: [0, 0, 0, 255, 255, 255])
    ReaderContract.check {
        let png = try PNGCodec.encode(image, text: entries)
        let decoded = try PNGCodec.decode(png, file: "fuzz.png")
        ReaderContract.expect(decoded.text.count == entries.count,
                              "\(entries.count) text entries written, \(decoded.text.count) read back")
        for (written, read) in zip(entries, decoded.text) {
            let keyword = read.keyword.unicodeScalars
            ReaderContract.expect(!keyword.isEmpty && keyword.count <= 79
                                    && keyword.allSatisfy { (32...126).contains($0.value) || (161...255).contains($0.value) },
                                  "keyword \(read.keyword.debugDescription) is not a valid PNG keyword")
            let text = String(String.UnicodeScalarView(written.text.unicodeScalars.filter { $0.value != 0 }))
            ReaderContract.expect(read.text == text, "text \(written.text.debugDescription) read back as \(read.text.debugDescription)")
        }
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzPNGText_main")
public func fuzzPNGTextMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzPNGText)
}
