import Foundation
import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO
import MindSpaceTestSupport

/// `PickleMachine` and `TorchGlobals`: the opcodes torch's weights-only unpickler accepts, and
/// refusal of everything else, before it could run.
@Suite struct PickleMachineTests {
    private func run(_ bytes: [UInt8]) throws -> (PickleValue, PickleHeap) {
        var input = PickleInput(source: MemoryByteSource(path: "test.pkl", bytes: bytes))
        let heap = PickleHeap()
        let value = try PickleMachine(resolver: TorchGlobals()).run(&input, heap: heap, what: "data.pkl")
        return (value, heap)
    }

    @Test func integersOfEveryWidth() throws {
        // BININT1 200, BININT2 0xBEEF, BININT -2, LONG1 of 2**63 (9 bytes), LONG1 -1, as a tuple.
        let bytes: [UInt8] = [0x80, 0x02, 0x28, 0x4B, 200, 0x4D, 0xEF, 0xBE, 0x4A, 0xFE, 0xFF, 0xFF, 0xFF,
                              0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x00, 0x8A, 0x01, 0xFF, 0x74, 0x2E]
        let (value, heap) = try run(bytes)
        let items = try #require(heap.items(of: value))
        guard items.count == 5, case .int(200) = items[0], case .int(0xBEEF) = items[1], case .int(-2) = items[2],
              case .bigInt(let big) = items[3], case .int(-1) = items[4] else {
            Issue.record("unexpected \(items)")
            return
        }
        #expect(big.count == 9)
    }

    @Test func memoSharesMutableContainers() throws {
        // EMPTY_LIST, BINPUT 0, BINGET 0, BININT1 7, APPEND, POP, ... the memoised list sees the append.
        let bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x4B, 7, 0x61, 0x30, 0x2E]
        let (value, heap) = try run(bytes)
        let items = try #require(heap.items(of: value))
        guard items.count == 1, case .int(7) = items[0] else { Issue.record("unexpected \(items)"); return }
    }

    @Test func stringsFloatsAndDicts() throws {
        // {'k': 1.5} with SHORT_BINUNICODE and BINFLOAT; protocol 4 with FRAME and MEMOIZE.
        var bytes: [UInt8] = [0x80, 0x04, 0x95, 16, 0, 0, 0, 0, 0, 0, 0, 0x7D, 0x94, 0x8C, 0x01, 0x6B, 0x94, 0x47]
        bytes += withUnsafeBytes(of: (1.5).bitPattern.bigEndian, Array.init)
        bytes += [0x73, 0x2E]
        let (value, heap) = try run(bytes)
        guard case .float(1.5)? = heap.lookup("k", in: value) else { Issue.record("no k"); return }
    }

    @Test(arguments: [
        ([0x80, 0x02, 0x63] + Array("os\nsystem\n".utf8) + [0x2E], "refused global 'os.system'"),
        ([0x80, 0x02, 0x63] + Array("__builtin__\ngetattr\n".utf8) + [0x2E], "refused global 'builtins.getattr'"),
        ([0x80, 0x02, 0x69] + Array("os\nsystem\n".utf8) + [0x2E], "pickle opcode INST is not supported"),
        ([0x80, 0x02, 0x68, 0x05, 0x2E], "memo entry 5 is read before it is written"),
        ([0x80, 0x02, 0x61, 0x2E], "stack underflow"),
        ([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F], "pickle truncated"),
        ([0x80, 0x02, 0x4E], "pickle truncated"),
        ([0x80, 0x09, 0x2E], "pickle protocol 9 is newer than 5"),
    ] as [([UInt8], String)])
    func refusals(_ bytes: [UInt8], _ reason: String) throws {
        let error = try #require(throws: MindSpaceError.self) { try run(bytes) }
        #expect(error.kind == .malformedData)
        #expect(error.description.hasPrefix("test.pkl: data.pkl: "))
        #expect(error.description.contains(reason), "\(error.description)")
    }

    @Test func controlBytesInGlobalNamesAreEscaped() throws {
        let bytes: [UInt8] = [0x80, 0x02, 0x63] + Array("evil\u{1B}[2J\nx\n".utf8) + [0x2E]
        let error = try #require(throws: MindSpaceError.self) { try run(bytes) }
        #expect(error.description.contains("'evil\\x1B[2J.x'"))
        #expect(!error.description.contains("\u{1B}"))
    }

    /// 200,000 nested lists build without recursion and are refused, not overflowed, when walked
    /// (and the heap is freed without recursion when it goes).
    @Test func deepNestingIsAClearError() throws {
        let depth = 200_000
        let bytes: [UInt8] = [0x80, 0x02] + Array(repeating: 0x5D, count: depth) + Array(repeating: 0x61, count: depth - 1) + [0x2E]
        let (value, heap) = try run(bytes)
        #expect(throws: PickleRefusal.self) { try TorchObjectTree(root: value, heap: heap) }
        let path = try PyTorchFixtures.path("malicious/deep_list.pt")
        let error = try #require(throws: MindSpaceError.self) { try PyTorchReader.read(path: path) }
        #expect(error.description.contains("nested more than 1000 levels deep"))
    }

    /// A list that contains itself is caught by the depth bound, not walked for ever.
    @Test func selfContainingListIsRefused() throws {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP
        let (value, heap) = try run([0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E])
        #expect(throws: PickleRefusal.self) { try TorchObjectTree(root: value, heap: heap) }
    }

    @Test func elementLimitIsEnforced() throws {
        var input = PickleInput(source: MemoryByteSource(path: "t", bytes: [0x80, 0x02] + Array(repeating: 0x4E, count: 50) + [0x2E]))
        var machine = PickleMachine(resolver: TorchGlobals())
        machine.limits.maximumElements = 10
        let error = try #require(throws: MindSpaceError.self) { try machine.run(&input, heap: PickleHeap(), what: "p") }
        #expect(error.description.contains("resource limit"))
    }

    /// Each malicious fixture (its payload checked live by make_fixtures.py) is refused naming
    /// the global, and its payload does not run.
    @Test(arguments: [
        ("malicious/os_system.pt", "posix.system", "-os-system"),
        ("malicious/legacy_os_system.pt", "posix.system", "-os-system"),
        ("malicious/eval.pt", "builtins.eval", "-eval"),
        ("malicious/eval_protocol4.pt", "builtins.eval", "-eval"),
        ("malicious/popen.pt", "subprocess.Popen", "-popen"),
        ("malicious/user_class.pt", "__main__.Config", "-user-class"),
    ])
    func maliciousPicklesAreRefused(_ name: String, _ global: String, _ suffix: String) throws {
        let sentinel = PyTorchFixtures.sentinelPrefix + suffix
        try? FileManager.default.removeItem(atPath: sentinel)
        let path = try PyTorchFixtures.path(name)
        let error = try #require(throws: MindSpaceError.self) { try PyTorchReader.read(path: path) }
        #expect(error.kind == .malformedData && error.exitCode == 65)
        #expect(error.description.hasPrefix(path + ": "))
        #expect(error.description.contains("refused global '\(global)'"), "\(error.description)")
        #expect(!FileManager.default.fileExists(atPath: sentinel))
    }
}
