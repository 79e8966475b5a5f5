/// A value built by `PickleMachine`: Python's pickle data model reduced to what a checkpoint
/// holds, plus the few torch objects that `TorchGlobals` rebuilds (tensors, storages, dtypes).
///
/// Containers do not hold their elements: they are indexes into a `PickleHeap`, which owns every
/// tuple, list, dict and set of one pickle. The enum is therefore flat (not `indirect`), so that
/// a crafted pickle nesting 200,000 lists deep can neither overflow the stack when it is
/// destroyed (a recursive enum or a chain of class references would be freed recursively) nor
/// when it is walked (`PickleHeap` walks iteratively and bounds the depth).
public enum PickleValue: Sendable {
    case none
    case bool(Bool)
    /// An integer that fits in `Int`.
    case int(Int)
    /// An integer too wide for `Int` (`LONG1`/`LONG4`), as its little-endian two's-complement
    /// bytes (the pickle encoding, unchanged).
    case bigInt([UInt8])
    case float(Double)
    /// `str` (and protocol-2 `SHORT_BINSTRING`/`BINSTRING`, read as Latin-1).
    case string(String)
    /// `bytes` and `bytearray`.
    case bytes([UInt8])
    /// A tuple: index into `PickleHeap.sequences`.
    case tuple(Int)
    /// A list: index into `PickleHeap.sequences`.
    case list(Int)
    /// A set or frozenset: index into `PickleHeap.sequences`.
    case set(Int)
    /// A dict or `collections.OrderedDict`: index into `PickleHeap.dictionaries`.
    case dict(Int)
    /// A global that the resolver allowed (`torch._utils._rebuild_tensor_v2`), not yet called.
    case global(module: String, name: String)
    /// A torch dtype (`torch.float32`), by its name without `torch.`.
    case dtype(String)
    /// A storage that a persistent id named: see `TorchStorageReference`.
    case storage(TorchStorageReference)
    /// A rebuilt tensor: index into `PickleHeap.tensors`.
    case tensor(Int)

    /// Python's name for the value's type, for messages.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .set: return "set"
        case .dict: return "dict"
        case .global(let module, let name): return "\(module).\(name)"
        case .dtype: return "torch.dtype"
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// A storage named by a pickle's persistent id: `('storage', storage_type, key, location, numel)`
/// (PyTorch `torch/serialization.py`, `persistent_id`). `dtype` is the element type the storage
/// class stands for (`torch.FloatStorage` → float32; `torch.storage.UntypedStorage` → uint8),
/// `elementCount` is `numel` in those elements. Legacy files may add a view: the storage is
/// then `viewElementCount` elements starting `viewOffset` elements into the storage `key`.
public struct TorchStorageReference: Sendable, Equatable {
    public var key: String
    public var dtype: TorchScalarType
    public var elementCount: Int
    public var view: (offset: Int, elementCount: Int)?

    public static func == (a: Self, b: Self) -> Bool {
        a.key == b.key && a.dtype == b.dtype && a.elementCount == b.elementCount
            && a.view?.offset == b.view?.offset && a.view?.elementCount == b.view?.elementCount
    }
}

/// A tensor as `torch._utils._rebuild_tensor_v2`/`_v3` describes it: a storage, an offset into
/// it and a shape and strides, all counted in elements of `dtype`.
public struct TorchTensorRecord: Sendable, Equatable {
    public var storage: TorchStorageReference
    public var dtype: TorchScalarType
    public var storageOffset: Int
    public var shape: [Int]
    public var strides: [Int]
}

/// Everything composite that one pickle built. Values refer to these arrays by index; mutation
/// (`APPEND`, `SETITEMS`, …) writes here, so a container fetched twice from the memo is the same
/// container, as in Python.
public final class PickleHeap: @unchecked Sendable {
    /// Tuples, lists and sets.
    public internal(set) var sequences: [[PickleValue]] = []
    /// Dicts, their entries in insertion order (a later equal key is not merged: checkpoints
    /// use string keys, and repeated keys are reported by the flattening step).
    public internal(set) var dictionaries: [[(key: PickleValue, value: PickleValue)]] = []
    public internal(set) var tensors: [TorchTensorRecord] = []
    /// Elements held by all containers together, for `PickleLimits.maximumElements`.
    public internal(set) var elementCount = 0

    public init() {}

    func newSequence(_ items: [PickleValue]) -> Int {
        sequences.append(items)
        elementCount += items.count
        return sequences.count - 1
    }

    func newDictionary(_ entries: [(key: PickleValue, value: PickleValue)] = []) -> Int {
        dictionaries.append(entries)
        elementCount += entries.count
        return dictionaries.count - 1
    }

    func newTensor(_ record: TorchTensorRecord) -> Int {
        tensors.append(record)
        return tensors.count - 1
    }

    func append(_ items: [PickleValue], toSequence index: Int) {
        sequences[index].append(contentsOf: items)
        elementCount += items.count
    }

    func append(_ entries: [(key: PickleValue, value: PickleValue)], toDictionary index: Int) {
        dictionaries[index].append(contentsOf: entries)
        elementCount += entries.count
    }

    /// The value for string key `key` of a dict value, if it is one and has that key.
    public func lookup(_ key: String, in value: PickleValue) -> PickleValue? {
        guard case .dict(let index) = value else { return nil }
        for entry in dictionaries[index] {
            if case .string(let name) = entry.key, name == key { return entry.value }
        }
        return nil
    }

    /// The elements of a tuple or list value, or `nil` for anything else.
    public func items(of value: PickleValue) -> [PickleValue]? {
        switch value {
        case .tuple(let index), .list(let index): return sequences[index]
        default: return nil
        }
    }
}
