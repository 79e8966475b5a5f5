import FuzzSupport
import MindSpace

/// Fuzzes the GGUF reader (`GGUFReader.read(source:)`): magic, version, counts against the
/// remaining bytes, metadata values (arrays, strings), alignment, tensor infos and offsets; then
/// `TensorExercise` dequantizes every tensor (Q4_0 … Q6_K) or meets its refusal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    ReaderContract.check {
        let file = try GGUFReader.read(source: MemoryByteSource(path: "fuzz.gguf", bytes: input.array))
        TensorExercise.read(file.tensors)
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzGGUF_main")
public func fuzzGGUFMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzGGUF)
}
