import Foundation
import Synchronization

/// The one way MindSpace spreads work over cores: `forEach(count, body)` calls `body(i)` once for
/// every i < count on at most `threadLimit` threads (the calling thread among them), and returns
/// when all calls have. Every parallel loop of the library goes through it, so `--threads N`
/// (which sets `threadLimit`) bounds the CPU a command uses. Results never depend on the limit:
/// each loop's body writes only its own indices' results, and loops that combine partial
/// results do so in index order.
///
/// **One setting, process-wide.** The thread count is a property of the process, not a parameter
/// of any analysis: no function takes a `threads:` argument, and code that sizes its own
/// workers (per-worker scratch, strided work lists) reads `threadLimit`. This follows from the
/// rule above: as no result depends on the count, threading it through every signature would
/// only add a second way to say the same thing (and one a nested loop could disagree with),
/// while the thing it bounds, the cores the process uses, is process-wide anyway. Programs set
/// it once by `ParallelLoop.setThreadLimit(_:)` (MindSpaceNumerics; OpenBLAS itself always runs
/// on one thread, and BLAS work is spread by these loops); tests that compare thread counts set
/// it around the call and restore it.
///
/// Work is handed out dynamically: with fewer threads than indices, each thread takes the next
/// unclaimed index (an atomic counter) until none is left. Built on
/// `DispatchQueue.concurrentPerform`; one thread runs the loop inline. The loops are `@inlinable`
/// so that a caller in another module gets its body inlined and optimised in place, as it was
/// when the library was one module.
public enum ParallelLoop {
    private static let limit = Atomic<Int>(0)

    /// The most threads a loop uses: every active core unless set (a value below 1 restores
    /// that). Process-wide; programs set it with `setThreadLimit(_:)` (`mindspace --threads N`
    /// does once at start-up).
    public package(set) static var threadLimit: Int {
        get {
            let value = limit.load(ordering: .relaxed)
            return value >= 1 ? value : max(1, ProcessInfo.processInfo.activeProcessorCount)
        }
        set { limit.store(newValue, ordering: .relaxed) }
    }

    /// Cuts 0..<count into `ranges` consecutive ranges fixed by `count` alone (range r is
    /// r·count/ranges ..< (r + 1)·count/ranges) and calls `body(r, range)` once per range, on up to
    /// `threadLimit` threads: for passes whose partial results are combined in range order, so
    /// that they never depend on the thread count.
    @inlinable
    public static func forEachRange(_ count: Int, ranges: Int = 16, _ body: (Int, Range<Int>) -> Void) {
        guard count > 0, ranges > 0 else { return }
        forEach(ranges) { range in body(range, (range * count / ranges)..<((range + 1) * count / ranges)) }
    }

    /// Calls `body(i)` for every i in 0..<count, on up to `threadLimit` threads.
    @inlinable
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let threads = min(threadLimit, count)
        if threads == 1 {
            for index in 0..<count { body(index) }
        } else if threads == count {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        } else {
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < count else { return }
                    body(index)
                }
            }
        }
    }
}
