import MindSpaceCore

/// The tensors of an unpickled checkpoint object, found by walking its containers and named by
/// their path: dict keys and list/tuple indexes joined with dots (`state_dict.encoder.layer.0.weight`,
/// `optimizer_states.0.state.3.exp_avg`). A tensor at the top level is named `tensor`.
///
/// The walk is iterative (an explicit stack), visits containers in file order, and is bounded:
/// nesting deeper than `PickleLimits.maximumDepth` (a cycle is infinitely deep) and more than
/// `PickleLimits.maximumElements` visits (a container shared many times over) are errors, so a
/// crafted pickle cannot overflow the stack or run for ever. Values that are neither containers
/// nor tensors (numbers, strings: hyper-parameters, optimizer settings) are counted in `others`.
struct TorchObjectTree {
    struct Entry {
        var name: String
        var tensor: TorchTensorRecord
    }

    /// Tensors in file order, with their dotted names (escaped for the terminal).
    var tensors: [Entry] = []
    /// Non-tensor leaves, by dotted name: what `inspect` can list besides tensors.
    var others: [(name: String, value: PickleValue)] = []

    /// The name a tensor at the top level gets.
    static let topLevelName = "tensor"

    init(root: PickleValue, heap: PickleHeap, limits: PickleLimits = PickleLimits()) throws {
        var pending: [(value: PickleValue, name: String, depth: Int)] = [(root, "", 0)]
        var visits = 0
        while let (value, name, depth) = pending.popLast() {
            visits += 1
            guard visits <= limits.maximumElements else {
                throw PickleRefusal("the unpickled object has more than \(limits.maximumElements) parts (a container shared many times over): refused as a resource limit")
            }
            guard depth <= limits.maximumDepth else {
                throw PickleRefusal("containers nested more than \(limits.maximumDepth) levels deep (or a container that contains itself): refused as a resource limit")
            }
            var children: [(PickleValue, String)] = []
            switch value {
            case .tensor(let index):
                tensors.append(Entry(name: name.isEmpty ? Self.topLevelName : name, tensor: heap.tensors[index]))
            case .dict(let index):
                for entry in heap.dictionaries[index] {
                    children.append((entry.value, Self.join(name, Self.keyText(entry.key))))
                }
            case .tuple(let index), .list(let index), .set(let index):
                for (position, item) in heap.sequences[index].enumerated() {
                    children.append((item, Self.join(name, String(position))))
                }
            default:
                others.append((name, value))
            }
            for child in children.reversed() { pending.append((child.0, child.1, depth + 1)) }
        }
    }

    private static func join(_ prefix: String, _ key: String) -> String {
        prefix.isEmpty ? key : prefix + "." + key
    }

    /// A dict key as a name component: strings escaped, numbers in decimal.
    private static func keyText(_ key: PickleValue) -> String {
        switch key {
        case .string(let text): return TerminalText.escaped(text, limit: nil)
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "True" : "False"
        case .none: return "None"
        case .float(let number): return String(number)
        default: return "<\(key.typeName)>"
        }
    }
}
