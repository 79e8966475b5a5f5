import MindSpaceCore

/// The allow-list of globals a torch checkpoint's pickle may name, and what each one means: the
/// `PickleResolver` for `PyTorchReader`. Nothing is imported or run; each allowed global is
/// interpreted here by name, following PyTorch's `torch/_utils.py` and
/// `torch/_weights_only_unpickler.py`:
///
/// | global | rebuilt as |
/// |---|---|
/// | `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)` | a tensor of the storage's type |
/// | `torch._utils._rebuild_tensor_v3(storage, offset, size, stride, …, dtype)` | a tensor of `dtype` over an untyped storage |
/// | `torch._utils._rebuild_parameter(data, …)`, `_rebuild_parameter_with_state`, `torch.nn.parameter.Parameter(data, …)` | `data` |
/// | `torch._tensor._rebuild_from_type_v2(func, type, args, state)` | `func(*args)` |
/// | `torch.*Storage`, `torch.storage.UntypedStorage` | a storage type (in persistent ids) |
/// | `torch.float32` and the other dtypes | a dtype |
/// | `collections.OrderedDict(…)` | a dict |
/// | `torch.Size(t)`, `torch.device(…)` | a tuple; a string |
/// | `_codecs.encode(s, enc)` | bytes (Latin-1 of `s`; protocol 2 writes bytes this way) |
/// | `builtins.set`, `frozenset`, `bytearray` | a set; bytes |
/// | `torch.Tensor`, `torch.nn.parameter.Parameter` as `_rebuild_from_type_v2`'s type | ignored |
///
/// Any other global (`posix.system`, `builtins.eval`, `subprocess.Popen`, a user's class) is
/// refused when the pickle names it, before it could be called.
struct TorchGlobals: PickleResolver {
    static let functions: Set<String> = [
        "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "torch._tensor._rebuild_from_type_v2", "collections.OrderedDict", "torch.Size",
        "torch.device", "_codecs.encode", "builtins.set", "builtins.frozenset",
        "builtins.bytearray", "torch.nn.parameter.Parameter", "torch.Tensor", "torch._tensor.Tensor",
    ]

    func global(module: String, name: String) throws -> PickleValue {
        let full = "\(module).\(name)"
        if Self.functions.contains(full) { return .global(module: module, name: name) }
        if module == "torch" || module == "torch.storage" {
            if TorchScalarType(storageClass: name) != nil { return .global(module: module, name: name) }
            if module == "torch", TorchScalarType(dtypeName: name) != nil { return .dtype(name) }
        }
        throw PickleRefusal("refused global '\(TerminalText.escaped(full))': not on the allow-list of torch globals (a pickle is never executed; see README, Formats)")
    }

    func call(_ callable: PickleValue, arguments: [PickleValue], heap: PickleHeap) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw PickleRefusal("cannot call a \(callable.typeName)")
        }
        func argument(_ index: Int) throws -> PickleValue {
            guard index < arguments.count else {
                throw PickleRefusal("\(module).\(name) called with \(arguments.count) arguments")
            }
            return arguments[index]
        }
        switch "\(module).\(name)" {
        case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3":
            guard case .storage(let storage) = try argument(0) else {
                throw PickleRefusal("\(name): the first argument is a \(try argument(0).typeName), not a storage")
            }
            var dtype = storage.dtype
            if name == "_rebuild_tensor_v3" {
                guard case .dtype(let dtypeName) = try argument(6), let type = TorchScalarType(dtypeName: dtypeName) else {
                    throw PickleRefusal("_rebuild_tensor_v3: argument 7 is not a torch dtype")
                }
                dtype = type
            }
            let record = TorchTensorRecord(
                storage: storage, dtype: dtype,
                storageOffset: try Self.integer(try argument(1), "storage offset"),
                shape: try Self.integers(try argument(2), heap: heap, "size"),
                strides: try Self.integers(try argument(3), heap: heap, "stride"))
            guard record.shape.count == record.strides.count else {
                throw PickleRefusal("tensor with \(record.shape.count) dimensions but \(record.strides.count) strides")
            }
            return .tensor(heap.newTensor(record))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
             "torch.nn.parameter.Parameter":
            return try argument(0)
        case "torch._tensor._rebuild_from_type_v2":
            guard let inner = heap.items(of: try argument(2)) else {
                throw PickleRefusal("_rebuild_from_type_v2: its arguments are not a tuple")
            }
            return try call(try argument(0), arguments: inner, heap: heap)
        case "collections.OrderedDict":
            let dictionary = heap.newDictionary()
            if let first = arguments.first, let pairs = heap.items(of: first) {
                for pair in pairs {
                    guard let items = heap.items(of: pair), items.count == 2 else {
                        throw PickleRefusal("OrderedDict built from something other than pairs")
                    }
                    heap.append([(items[0], items[1])], toDictionary: dictionary)
                }
            }
            return .dict(dictionary)
        case "torch.Size":
            return .tuple(heap.newSequence(arguments.first.flatMap { heap.items(of: $0) } ?? []))
        case "torch.device":
            guard case .string(let type) = try argument(0) else { return .string("device") }
            if arguments.count > 1, case .int(let index) = arguments[1] { return .string("\(type):\(index)") }
            return .string(type)
        case "_codecs.encode":
            guard case .string(let text) = try argument(0) else {
                throw PickleRefusal("_codecs.encode of a \(try argument(0).typeName)")
            }
            var bytes: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw PickleRefusal("_codecs.encode of text outside Latin-1") }
                bytes.append(UInt8(scalar.value))
            }
            return .bytes(bytes)
        case "builtins.set", "builtins.frozenset":
            return .set(heap.newSequence(arguments.first.flatMap { heap.items(of: $0) } ?? []))
        case "builtins.bytearray":
            if case .bytes(let bytes)? = arguments.first { return .bytes(bytes) }
            return .bytes([])
        default:
            throw PickleRefusal("refused call of '\(module).\(name)': only torch's tensor-rebuilding functions can be called")
        }
    }

    func build(_ object: PickleValue, state: PickleValue, heap: PickleHeap) throws -> PickleValue {
        switch object {
        case .dict, .tensor:
            // An OrderedDict's attributes (a state dict's `_metadata`) and a parameter's Python
            // attributes: not data MindSpace reads.
            return object
        default:
            throw PickleRefusal("BUILD on a \(object.typeName) is not supported")
        }
    }

    /// `('storage', storage_type, key, location, numel)`, and in legacy files a sixth element,
    /// `None` or a view `(view_key, offset, view_size)`.
    func persistentLoad(_ identifier: PickleValue, heap: PickleHeap) throws -> PickleValue {
        guard let parts = heap.items(of: identifier), parts.count >= 5,
              case .string("storage") = parts[0] else {
            throw PickleRefusal("persistent id is not a ('storage', type, key, location, size) tuple")
        }
        guard case .global(_, let className) = parts[1], let dtype = TorchScalarType(storageClass: className) else {
            throw PickleRefusal("persistent id names storage type \(parts[1].typeName), not a torch storage class")
        }
        let key: String
        switch parts[2] {
        case .string(let text): key = TerminalText.escaped(text, limit: nil)
        case .int(let number): key = String(number)
        default: throw PickleRefusal("persistent id has a \(parts[2].typeName) as its storage key")
        }
        var reference = TorchStorageReference(key: key, dtype: dtype,
                                              elementCount: try Self.integer(parts[4], "storage size"))
        if parts.count > 5, let view = heap.items(of: parts[5]), view.count == 3 {
            reference.view = (try Self.integer(view[1], "view offset"), try Self.integer(view[2], "view size"))
        }
        return .storage(reference)
    }

    static func integer(_ value: PickleValue, _ what: String) throws -> Int {
        guard case .int(let number) = value, number >= 0 else {
            throw PickleRefusal("\(what) is \(value.typeName == "int" ? "negative or too large" : "a " + value.typeName), not a non-negative integer")
        }
        return number
    }

    static func integers(_ value: PickleValue, heap: PickleHeap, _ what: String) throws -> [Int] {
        guard let items = heap.items(of: value) else {
            throw PickleRefusal("tensor \(what) is a \(value.typeName), not a tuple")
        }
        return try items.map { try integer($0, what) }
    }
}
