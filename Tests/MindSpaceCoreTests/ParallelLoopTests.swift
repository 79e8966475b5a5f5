import Foundation
import Synchronization
import Testing
@testable import MindSpaceCore
import MindSpaceTestSupport

/// `ParallelLoop`: every index exactly once, and no more threads than the limit.
@Suite(.serialized) struct ParallelLoopTests {
    /// Counts calls per index and the distinct threads that made them.
    private final class Record: @unchecked Sendable {
        let lock = NSLock()
        var calls: [Int]
        var threads = Set<UInt>()
        init(count: Int) { calls = Array(repeating: 0, count: count) }
        func note(_ index: Int) {
            lock.lock()
            calls[index] += 1
            threads.insert(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(Unmanaged.passUnretained(Thread.current).toOpaque()))))
            lock.unlock()
        }
    }

    @Test(arguments: [1, 2, 3], [0, 1, 2, 7, 100])
    func everyIndexOnceWithinTheLimit(limit: Int, count: Int) {
        let record = Record(count: count)
        ThreadLimitScope.with(limit) {
            ParallelLoop.forEach(count) { index in
                record.note(index)
                // Long enough that a second thread, if allowed, joins in.
                usleep(200)
            }
        }
        #expect(record.calls.allSatisfy { $0 == 1 }, "limit \(limit) count \(count)")
        #expect(record.threads.count <= max(1, limit), "limit \(limit): \(record.threads.count) threads")
        if limit == 1 && count > 0 { #expect(record.threads.count == 1) }
    }

    @Test func limitBelowOneMeansEveryCore() {
        ThreadLimitScope.with(0) {
            #expect(ParallelLoop.threadLimit == max(1, ProcessInfo.processInfo.activeProcessorCount))
        }
        ThreadLimitScope.with(3) {
            #expect(ParallelLoop.threadLimit == 3)
        }
    }
}
