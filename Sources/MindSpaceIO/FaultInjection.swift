import Foundation
import MindSpaceCore

/// Test hooks for the fault-injection tests of issue 17 (Tests/EndToEndTests/FaultTests.swift):
/// two environment variables, read once, that make the output layer fail the way a machine can.
/// Both are inert unless set, and neither can make a run succeed that would otherwise fail or
/// change a byte of what a successful run writes.
///
/// - `MINDSPACE_FAULT_KILL_AT_STEP=N` (N ≥ 1): the process sends itself SIGKILL at the N-th
///   *output step*. Steps are the moments a kill can leave something behind: half-way through
///   writing a staged file (`OutputTransaction.stage`, `NpyMatrixFileWriter`), and after each
///   rename of a commit. A test picks N with a seeded generator to kill `batch` at reproducible
///   "random" moments, without timing.
/// - `MINDSPACE_FAULT_NO_SPACE_AFTER_BYTES=N` (N ≥ 0): once N bytes of output have been written
///   in all, every further write fails as a full disk does (`ENOSPC`), after writing what still
///   fits. It stands in for a tiny file system where mounting one is not allowed (unprivileged
///   CI); where it is, the tests also fill a real tmpfs.
///
/// Thread-safe: transactions may write from several threads.
public enum FaultInjection {
    /// The hooks' settings and counters; every access holds `lock`.
    private final class State: @unchecked Sendable {
        let lock = NSLock()
        let killStep: Int?
        let byteBudget: Int?
        var steps = 0
        var bytesWritten = 0

        init(environment: [String: String]) {
            killStep = environment["MINDSPACE_FAULT_KILL_AT_STEP"].flatMap(Int.init).flatMap { $0 >= 1 ? $0 : nil }
            byteBudget = environment["MINDSPACE_FAULT_NO_SPACE_AFTER_BYTES"].flatMap(Int.init).flatMap { $0 >= 0 ? $0 : nil }
        }
    }

    private static let state = State(environment: ProcessInfo.processInfo.environment)

    /// Marks one output step; SIGKILLs the process if it is the step `MINDSPACE_FAULT_KILL_AT_STEP`
    /// names. O(1); a lock and a comparison when the hook is unset.
    static func outputStep() {
        guard let killStep = state.killStep else { return }
        state.lock.lock()
        state.steps += 1
        let now = state.steps
        state.lock.unlock()
        if now == killStep { kill(getpid(), SIGKILL) }
    }

    /// How many of the `count` bytes about to be written may be written before the simulated
    /// disk is full (`count` when the hook is unset), and records them as written.
    static func writableBytes(_ count: Int) -> Int {
        guard let budget = state.byteBudget else { return count }
        state.lock.lock()
        defer { state.lock.unlock() }
        let allowed = max(0, min(count, budget - state.bytesWritten))
        state.bytesWritten += allowed
        return allowed
    }
}
