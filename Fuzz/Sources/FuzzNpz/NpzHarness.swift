import FuzzSupport
import MindSpace

/// Fuzzes the `.npz` reader (`NpzReader.read`, which takes a path, so the input goes to a scratch
/// file): the zip end records (zip64 included), the central directory, local headers, member
/// names, stored and deflated members (`Inflater`, CRC-32), and the `.npy` members inside;
/// `TensorExercise` then inflates and reads every member.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNpz(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    guard let path = ScratchFile.write(input.bytes, named: "fuzz.npz") else { return 0 }
    ReaderContract.check {
        TensorExercise.read(try NpzReader.read(path: path))
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzNpz_main")
public func fuzzNpzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzNpz)
}
