import FuzzSupport
import MindSpace

/// Fuzzes the safetensors reader (`SafetensorsReader.read(source:)`): the 8-byte header length,
/// the JSON header (`JSONValue`), `__metadata__`, each entry's dtype, shape and data offsets
/// against the data section, then the elements (`TensorExercise`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    ReaderContract.check {
        let file = try SafetensorsReader.read(source: MemoryByteSource(path: "fuzz.safetensors", bytes: input.array))
        TensorExercise.read(file.tensors)
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzSafetensors_main")
public func fuzzSafetensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzSafetensors)
}
