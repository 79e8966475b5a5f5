import FuzzSupport
import MindSpace

/// Fuzzes the `.npy` reader (`NpyReader.parse`): magic, version, header length, the header's
/// Python-literal dict (descr, fortran_order, shape), the element count against the bytes, then
/// the elements themselves in every dtype and byte order (`TensorExercise`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpy(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    ReaderContract.check {
        let tensor = try NpyReader.parse(MemoryByteSource(path: "fuzz.npy", bytes: input.array), name: "fuzz")
        TensorExercise.read([tensor])
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzNpy_main")
public func fuzzNpyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzNpy)
}
