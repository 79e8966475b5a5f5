import Foundation

/// The memory a process can hope to use, for refusing a load that cannot fit *before* trying
/// it: a header can declare a 10¹² × 10⁶ array in a few bytes, and a failed allocation is a
/// crash, not an error. The budget is the smallest of the machine's physical memory
/// (`sysconf(_SC_PHYS_PAGES)`), the address-space limit (`ulimit -v`, `RLIMIT_AS`) and the
/// cgroup v2 memory limit (`/sys/fs/cgroup/memory.max`, a container's share).
///
/// Passing the check does not promise success (an analysis needs more than its input, and other
/// processes use memory too); failing it means the load could never succeed here, and the
/// error says how much it needs.
public enum MemoryBudget {
    /// The budget in bytes (see the type). Read afresh on each call: cheap (a few system calls).
    public static var bytes: Int {
        var budget = Int.max
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0 {
            let (physical, overflow) = pages.multipliedReportingOverflow(by: pageSize)
            if !overflow { budget = physical }
        }
        // RLIM_INFINITY is the largest rlim_t, so "below Int.max" also means "a limit is set".
        var limit = rlimit()
        if getrlimit(RLIMIT_AS_VALUE, &limit) == 0, limit.rlim_cur < UInt64(Int.max) {
            budget = min(budget, Int(limit.rlim_cur))
        }
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let cgroup = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            budget = min(budget, cgroup)
        }
        return budget
    }

    /// `RLIMIT_AS` as `getrlimit` takes it on this platform.
    #if os(Linux)
    private static let RLIMIT_AS_VALUE = __rlimit_resource_t(RLIMIT_AS.rawValue)
    #else
    private static let RLIMIT_AS_VALUE = RLIMIT_AS
    #endif

    /// Throws `.malformedData` naming `file` when holding `count` values of `bytesPerValue`
    /// bytes each (for `what`, e.g. "array 'x' (1000000 × 50000, float32) as float64") needs more
    /// than the budget, or when the size overflows. Never allocates.
    public static func check(_ count: Int, bytesPerValue: Int, for what: String, file: String?) throws {
        let (needed, overflow) = max(0, count).multipliedReportingOverflow(by: max(1, bytesPerValue))
        let budget = bytes
        guard overflow || needed > budget else { return }
        let size = overflow ? "more than \(ProgressLine.bytes(Int.max))" : ProgressLine.bytes(needed)
        throw MindSpaceError.malformed(file,
            "\(what) needs \(size) of memory, more than this machine allows a process (\(ProgressLine.bytes(budget))); "
            + "select less of it or use a machine with more memory")
    }
}
