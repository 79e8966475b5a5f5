import FuzzSupport
import MindSpace

/// Fuzzes the PyTorch reader (`PyTorchReader.read(source:)`): both `torch.save` layouts (zip and
/// legacy), the pickle machine and its allow-list of globals, the object tree, storages, strides
/// and FP8 widening; `TensorExercise` then reads every tensor (shared and strided storages).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPyTorch(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = FuzzInput(data, count)
    ReaderContract.check {
        let file = try PyTorchReader.read(source: MemoryByteSource(path: "fuzz.pt", bytes: input.array))
        TensorExercise.read(file.tensors)
    }
    return 0
}

/// The program's entry (see `FuzzDriver`).
@_cdecl("FuzzPyTorch_main")
public func fuzzPyTorchMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzPyTorch)
}
