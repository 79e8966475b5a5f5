import MindSpaceCore

/// A pickle interpreter that executes nothing: the pickle virtual machine of CPython's
/// `Lib/pickle.py` (PEP 307 protocol 2, PEP 3154 protocol 4, PEP 574 protocol 5), restricted to
/// the opcodes that `torch.load(weights_only=True)` accepts
/// (`torch/_weights_only_unpickler.py`), with every global, call, `BUILD` and persistent id
/// handed to a `PickleResolver`.
///
/// Supported: `PROTO`, `FRAME`, `STOP`; `MARK`, `POP`, `POP_MARK`, `DUP`; `NONE`, `NEWTRUE`,
/// `NEWFALSE`, `BININT`, `BININT1`, `BININT2`, `LONG1`, `LONG4`, `BINFLOAT`; `SHORT_BINSTRING`,
/// `BINSTRING`, `SHORT_BINUNICODE`, `BINUNICODE`, `BINUNICODE8`, `SHORT_BINBYTES`, `BINBYTES`,
/// `BINBYTES8`, `BYTEARRAY8`; `EMPTY_TUPLE`, `TUPLE`, `TUPLE1`–`TUPLE3`, `EMPTY_LIST`, `LIST`,
/// `APPEND`, `APPENDS`, `EMPTY_DICT`, `DICT`, `SETITEM`, `SETITEMS`, `EMPTY_SET`, `ADDITEMS`,
/// `FROZENSET`; `BINPUT`, `LONG_BINPUT`, `MEMOIZE`, `BINGET`, `LONG_BINGET`; `GLOBAL`,
/// `STACK_GLOBAL`, `REDUCE`, `NEWOBJ`, `NEWOBJ_EX`, `BUILD`, `BINPERSID`.
/// Everything else (the text opcodes of protocols 0–1, `INST`, `OBJ`, `EXT*`, `PERSID`,
/// out-of-band buffers) is refused as unsupported, naming the opcode; an undefined byte is an
/// unknown opcode. The first refusal stops the machine: nothing after it is interpreted.
///
/// No recursion depends on the pickle: the machine is a loop over a value stack, and containers
/// live in a `PickleHeap`. `PickleLimits` bounds the elements, memo and opcodes.
struct PickleMachine {
    let resolver: PickleResolver
    var limits = PickleLimits()

    /// Runs the pickle at `input`'s position up to its `STOP`, leaving `input` after it, and
    /// returns the value on top of the stack. Errors are `.malformedData` naming the file and
    /// the opcode's file offset; `what` names the pickle in them ("data.pkl").
    func run(_ input: inout PickleInput, heap: PickleHeap, what: String) throws -> PickleValue {
        do {
            return try execute(&input, heap: heap, what: what)
        } catch var error as MindSpaceError where !error.reason.hasPrefix("\(what): ") {
            error.reason = "\(what): \(error.reason)"  // a truncated pickle, from `PickleInput`
            throw error
        }
    }

    private func execute(_ input: inout PickleInput, heap: PickleHeap, what: String) throws -> PickleValue {
        var stack: [PickleValue] = []
        var marks: [Int] = []
        var memo: [Int: PickleValue] = [:]
        var opcodes = 0
        var protocolVersion: UInt8 = 0
        var opcodeOffset = input.offset
        func fail(_ reason: String) -> MindSpaceError {
            MindSpaceError.malformed(input.source.path, offset: opcodeOffset, "\(what): \(reason)")
        }
        func pop() throws -> PickleValue {
            guard let top = stack.popLast() else { throw fail("stack underflow") }
            return top
        }
        func popMark() throws -> [PickleValue] {
            guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no MARK on the stack") }
            let items = Array(stack[mark...])
            stack.removeSubrange(mark...)
            return items
        }
        func push(_ value: PickleValue) throws {
            guard stack.count + heap.elementCount < limits.maximumElements else {
                throw fail("more than \(limits.maximumElements) values: refused as a resource limit")
            }
            stack.append(value)
        }
        func text(_ bytes: [UInt8]) throws -> String {
            guard let decoded = String(validating: bytes, as: UTF8.self) else { throw fail("a string is not valid UTF-8") }
            return decoded
        }
        func memoize(_ index: Int) throws {
            guard let top = stack.last else { throw fail("stack underflow") }
            guard memo.count < limits.maximumMemo || memo[index] != nil else {
                throw fail("more than \(limits.maximumMemo) memo entries: refused as a resource limit")
            }
            memo[index] = top
        }
        func fetch(_ index: Int) throws {
            guard let value = memo[index] else { throw fail("memo entry \(index) is read before it is written") }
            try push(value)
        }
        func setItems(_ items: [PickleValue]) throws {
            guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of values") }
            guard case .dict(let index)? = stack.last else {
                throw fail("SETITEM(S) on a \(stack.last?.typeName ?? "missing value"), not a dict")
            }
            var entries: [(key: PickleValue, value: PickleValue)] = []
            entries.reserveCapacity(items.count / 2)
            for pair in stride(from: 0, to: items.count, by: 2) { entries.append((items[pair], items[pair + 1])) }
            guard heap.elementCount + entries.count < limits.maximumElements else {
                throw fail("more than \(limits.maximumElements) values: refused as a resource limit")
            }
            heap.append(entries, toDictionary: index)
        }
        func appendItems(_ items: [PickleValue], setOnly: Bool) throws {
            switch stack.last {
            case .list(let index)? where !setOnly, .set(let index)? where setOnly:
                guard heap.elementCount + items.count < limits.maximumElements else {
                    throw fail("more than \(limits.maximumElements) values: refused as a resource limit")
                }
                heap.append(items, toSequence: index)
            default:
                throw fail("\(setOnly ? "ADDITEMS" : "APPEND(S)") on a \(stack.last?.typeName ?? "missing value")")
            }
        }
        func resolving<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let refusal as PickleRefusal { throw fail(refusal.reason) }
        }

        while true {
            opcodes += 1
            guard opcodes <= limits.maximumOpcodes else {
                throw fail("more than \(limits.maximumOpcodes) opcodes: refused as a resource limit")
            }
            opcodeOffset = input.offset
            let opcode = try input.byte()
            switch opcode {
            case 0x80:  // PROTO
                let version = try input.byte()
                guard version <= 5 else { throw fail("pickle protocol \(version) is newer than 5") }
                protocolVersion = version
            case 0x95: _ = try input.unsigned(8)  // FRAME: a length hint only
            case 0x2E:  // STOP
                guard let result = stack.last else { throw fail("STOP with an empty stack") }
                return result
            case 0x28: marks.append(stack.count)  // MARK
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popMark()  // POP_MARK
            case 0x32:  // DUP
                guard let top = stack.last else { throw fail("stack underflow") }
                try push(top)
            case 0x4E: try push(.none)
            case 0x88: try push(.bool(true))
            case 0x89: try push(.bool(false))
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try input.unsigned(4)))))  // BININT
            case 0x4B: try push(.int(Int(try input.byte())))  // BININT1
            case 0x4D: try push(.int(Int(try input.unsigned(2))))  // BININT2
            case 0x8A, 0x8B:  // LONG1, LONG4
                let count = try input.length(opcode == 0x8A ? 1 : 4)
                try push(Self.integer(try input.bytes(count)))
            case 0x47:  // BINFLOAT: big-endian binary64
                var bits: UInt64 = 0
                for _ in 0..<8 { bits = bits << 8 | UInt64(try input.byte()) }
                try push(.float(Double(bitPattern: bits)))
            case 0x55, 0x54:  // SHORT_BINSTRING, BINSTRING: Python 2 str, read as Latin-1
                let count = opcode == 0x55 ? Int(try input.byte()) : try input.length(4)
                let raw = try input.bytes(count)
                try push(.string(String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))))
            case 0x8C, 0x58, 0x8D:  // SHORT_BINUNICODE, BINUNICODE, BINUNICODE8
                let count = try input.length(opcode == 0x8C ? 1 : opcode == 0x58 ? 4 : 8)
                try push(.string(try text(try input.bytes(count))))
            case 0x43, 0x42, 0x8E, 0x96:  // SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8
                let count = try input.length(opcode == 0x43 ? 1 : opcode == 0x42 ? 4 : 8)
                try push(.bytes(try input.bytes(count)))
            case 0x29: try push(.tuple(heap.newSequence([])))  // EMPTY_TUPLE
            case 0x74: try push(.tuple(heap.newSequence(try popMark())))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1..3
                let count = Int(opcode - 0x84)
                guard stack.count >= count else { throw fail("stack underflow") }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                try push(.tuple(heap.newSequence(items)))
            case 0x5D: try push(.list(heap.newSequence([])))  // EMPTY_LIST
            case 0x6C: try push(.list(heap.newSequence(try popMark())))  // LIST
            case 0x61: let item = try pop(); try appendItems([item], setOnly: false)  // APPEND
            case 0x65: try appendItems(try popMark(), setOnly: false)  // APPENDS
            case 0x7D: try push(.dict(heap.newDictionary()))  // EMPTY_DICT
            case 0x64:  // DICT
                let items = try popMark()
                try push(.dict(heap.newDictionary()))
                try setItems(items)
            case 0x73:  // SETITEM
                let value = try pop(), key = try pop()
                try setItems([key, value])
            case 0x75: try setItems(try popMark())  // SETITEMS
            case 0x8F: try push(.set(heap.newSequence([])))  // EMPTY_SET
            case 0x90: try appendItems(try popMark(), setOnly: true)  // ADDITEMS
            case 0x91: try push(.set(heap.newSequence(try popMark())))  // FROZENSET
            case 0x71: try memoize(Int(try input.byte()))  // BINPUT
            case 0x72: try memoize(Int(try input.unsigned(4)))  // LONG_BINPUT
            case 0x94: try memoize(memo.count)  // MEMOIZE
            case 0x68: try fetch(Int(try input.byte()))  // BINGET
            case 0x6A: try fetch(Int(try input.unsigned(4)))  // LONG_BINGET
            case 0x63:  // GLOBAL "module\nname\n"
                var module = TerminalText.escaped(try input.line(), limit: nil)
                let name = TerminalText.escaped(try input.line(), limit: nil)
                if protocolVersion < 3, let renamed = Self.python2Modules[module] { module = renamed }
                try push(try resolving { try resolver.global(module: module, name: name) })
            case 0x93:  // STACK_GLOBAL
                let nameValue = try pop(), moduleValue = try pop()
                guard case .string(let module) = moduleValue, case .string(let name) = nameValue else {
                    throw fail("STACK_GLOBAL needs two strings, found \(moduleValue.typeName) and \(nameValue.typeName)")
                }
                let global = try resolving {
                    try resolver.global(module: TerminalText.escaped(module, limit: nil), name: TerminalText.escaped(name, limit: nil))
                }
                try push(global)
            case 0x52:  // REDUCE
                let arguments = try pop(), callable = try pop()
                guard let values = heap.items(of: arguments), case .tuple = arguments else {
                    throw fail("REDUCE needs an argument tuple, found \(arguments.typeName)")
                }
                try push(try resolving { try resolver.call(callable, arguments: values, heap: heap) })
            case 0x81, 0x92:  // NEWOBJ, NEWOBJ_EX (keyword arguments must be empty)
                if opcode == 0x92 {
                    let keywords = try pop()
                    guard case .dict(let index) = keywords, heap.dictionaries[index].isEmpty else {
                        throw fail("NEWOBJ_EX with keyword arguments is not supported")
                    }
                }
                let arguments = try pop(), callable = try pop()
                guard let values = heap.items(of: arguments), case .tuple = arguments else {
                    throw fail("NEWOBJ needs an argument tuple, found \(arguments.typeName)")
                }
                try push(try resolving { try resolver.call(callable, arguments: values, heap: heap) })
            case 0x62:  // BUILD
                let state = try pop(), object = try pop()
                try push(try resolving { try resolver.build(object, state: state, heap: heap) })
            case 0x51:  // BINPERSID
                let identifier = try pop()
                try push(try resolving { try resolver.persistentLoad(identifier, heap: heap) })
            default:
                if let name = Self.unsupportedOpcodes[opcode] {
                    throw fail("pickle opcode \(name) is not supported (it is outside what torch.load(weights_only=True) accepts)")
                }
                let hex = String(opcode, radix: 16, uppercase: true)
                throw fail("unknown pickle opcode 0x\(hex.count < 2 ? "0" + hex : hex)")
            }
        }
    }

    /// Python 2 module names that Python 3 pickles of protocol < 3 write (`fix_imports`), read
    /// back as Python 3's unpickler does (`Lib/_compat_pickle.py`, `IMPORT_MAPPING`), so that a
    /// refusal names the global that would have run (`builtins.eval`, not `__builtin__.eval`).
    static let python2Modules: [String: String] = [
        "__builtin__": "builtins", "copy_reg": "copyreg", "commands": "subprocess",
        "exceptions": "builtins", "cPickle": "pickle", "UserDict": "collections",
        "Queue": "queue", "cStringIO": "io", "StringIO": "io",
    ]

    /// Opcodes of the pickle protocols that this machine refuses, by name.
    static let unsupportedOpcodes: [UInt8: String] = [
        0x49: "INT", 0x4C: "LONG", 0x46: "FLOAT", 0x53: "STRING", 0x56: "UNICODE",
        0x70: "PUT", 0x67: "GET", 0x69: "INST", 0x6F: "OBJ", 0x50: "PERSID",
        0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]

    /// A `LONG1`/`LONG4` payload: little-endian two's complement; `.int` when it fits.
    static func integer(_ bytes: [UInt8]) -> PickleValue {
        if bytes.isEmpty { return .int(0) }
        if bytes.count <= 8 {
            var value: UInt64 = 0
            for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
            let bits = bytes.count * 8
            if bits < 64, bytes[bytes.count - 1] & 0x80 != 0 { value |= ~0 << UInt64(bits) }
            return .int(Int(Int64(bitPattern: value)))
        }
        return .bigInt(bytes)
    }
}
