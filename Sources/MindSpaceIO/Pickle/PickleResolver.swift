/// What a `PickleMachine` asks of its caller whenever a pickle would reach outside plain data:
/// looking up a global, calling it (`REDUCE`, `NEWOBJ`), setting an object's state (`BUILD`) and
/// loading a persistent id (`BINPERSID`). The machine itself never imports or runs anything; a
/// resolver decides what each of these means, and refuses what it does not know by throwing
/// `PickleRefusal`. `TorchGlobals` is the resolver for torch checkpoints.
protocol PickleResolver {
    /// The value for `GLOBAL module name` / `STACK_GLOBAL`, or a refusal.
    func global(module: String, name: String) throws -> PickleValue
    /// The result of calling `callable` (a value `global` returned) with `arguments`.
    func call(_ callable: PickleValue, arguments: [PickleValue], heap: PickleHeap) throws -> PickleValue
    /// `BUILD`: applies `state` to `object`, returning the object to leave on the stack.
    func build(_ object: PickleValue, state: PickleValue, heap: PickleHeap) throws -> PickleValue
    /// `BINPERSID`: the object a persistent id stands for.
    func persistentLoad(_ identifier: PickleValue, heap: PickleHeap) throws -> PickleValue
}

/// Why a resolver or the machine refused a pickle, without file or offset (the machine adds
/// them). `reason` is escaped for the terminal by whoever builds it.
struct PickleRefusal: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Bounds on what one pickle may build, so that a crafted file gets a clear error instead of
/// exhausting memory. The defaults are far above any real checkpoint: a 100-billion-parameter
/// model's state dict has a few thousand tensors and perhaps 100,000 pickle values.
struct PickleLimits {
    /// Values on the stack plus elements of all containers together.
    var maximumElements = 20_000_000
    /// Entries in the memo.
    var maximumMemo = 10_000_000
    /// Opcodes executed.
    var maximumOpcodes = 200_000_000
    /// How deeply containers may nest when the result is walked (`TorchObjectTree`).
    var maximumDepth = 1_000
}
