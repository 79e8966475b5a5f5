import MindSpaceCore

/// The linear assignment problem, solved exactly: the permutation π of 0..<n that maximises
/// Σᵢ C[i, π(i)] for a dense n × n matrix C of `Double`s.
///
/// The solver is the shortest augmenting path method of Jonker & Volgenant (1987, "A shortest
/// augmenting path algorithm for dense and sparse linear assignment problems", Computing 38), in
/// the form Crouse (2016, IEEE TAES 52(4)) gives for SciPy's `linear_sum_assignment`: rows are
/// assigned one at a time; each assignment runs Dijkstra over the reduced costs
/// c(i, j) − u(i) − v(j) ≥ 0 (here c = −C, so maximising becomes minimising), then updates
/// the dual potentials u, v so the reduced costs stay non-negative. Each of the n augmentations
/// costs O(n²), so the whole solve is O(n³) time and O(n²) memory for the cost copy.
///
/// The scan order and tie-breaking follow SciPy's `rectangular_lsap.cpp` (an unassigned column
/// wins a tie), so on inputs with one optimum the answers agree; with several optimal
/// permutations the answer is deterministic and its *value* is always the optimum.
public enum LinearAssignment {
    /// The maximising permutation: `result[i]` is the column assigned to row `i`.
    ///
    /// `matrix` must be square; an empty matrix gives `[]`. Non-finite entries are refused
    /// (a `malformedData` error), as no assignment is meaningful over them.
    public static func maximising(_ matrix: Matrix<Double>) throws -> [Int] {
        precondition(matrix.rows == matrix.columns, "linear assignment needs a square matrix")
        let n = matrix.rows
        if n == 0 { return [] }
        guard matrix.storage.allSatisfy(\.isFinite) else {
            throw MindSpaceError.malformed(nil, "linear assignment: the score matrix has non-finite entries")
        }
        return matrix.storage.withUnsafeBufferPointer { shortestAugmentingPaths(scores: $0, n: n) }
    }

    /// The value Σᵢ C[i, π(i)] of an assignment.
    public static func value(_ matrix: Matrix<Double>, assignment: [Int]) -> Double {
        var total = 0.0
        for (row, column) in assignment.enumerated() { total += matrix[row, column] }
        return total
    }

    /// Minimises Σ cost[i, π(i)] with cost = −scores, over a finite, row-major n × n score
    /// matrix read in place (c(i, j) − u − v is formed as −s(i, j) − u − v: the same bits as
    /// negating a copy, without the copy). The per-row state lives in one scratch allocation
    /// scanned through unsafe pointers: the Dijkstra scan is the O(n²)-per-row hot loop.
    static func shortestAugmentingPaths(scores: UnsafeBufferPointer<Double>, n: Int) -> [Int] {
        let doubles = UnsafeMutablePointer<Double>.allocate(capacity: 3 * n)
        let integers = UnsafeMutablePointer<Int>.allocate(capacity: 4 * n)
        let flags = UnsafeMutablePointer<Bool>.allocate(capacity: 2 * n)
        defer { doubles.deallocate(); integers.deallocate(); flags.deallocate() }
        let u = doubles, v = doubles + n, shortest = doubles + 2 * n
        let rowOfColumn = integers, columnOfRow = integers + n, previousRow = integers + 2 * n, remaining = integers + 3 * n
        let scannedRow = flags, scannedColumn = flags + n
        u.initialize(repeating: 0, count: 2 * n)
        rowOfColumn.initialize(repeating: -1, count: 3 * n)
        guard let gains = scores.baseAddress else { return [] }

        for startRow in 0..<n {
            shortest.initialize(repeating: .infinity, count: n)
            flags.initialize(repeating: false, count: 2 * n)
            var row = startRow
            var minimum = 0.0
            var sink = -1
            var remainingCount = n
            for j in 0..<n { remaining[j] = n - 1 - j }
            while sink == -1 {
                scannedRow[row] = true
                var lowest = Double.infinity
                var pick = -1
                let rowGains = gains + row * n
                let rowPotential = u[row]
                for position in 0..<remainingCount {
                    let j = remaining[position]
                    let reduced = minimum - rowGains[j] - rowPotential - v[j]
                    if reduced < shortest[j] {
                        previousRow[j] = row
                        shortest[j] = reduced
                    }
                    if shortest[j] < lowest || (shortest[j] == lowest && rowOfColumn[j] == -1) {
                        lowest = shortest[j]
                        pick = position
                    }
                }
                // Reduced costs are finite, so some column is always reachable.
                precondition(pick >= 0, "linear assignment: no augmenting path")
                minimum = lowest
                let column = remaining[pick]
                if rowOfColumn[column] == -1 { sink = column } else { row = rowOfColumn[column] }
                scannedColumn[column] = true
                remainingCount -= 1
                remaining[pick] = remaining[remainingCount]
            }
            u[startRow] += minimum
            for i in 0..<n where scannedRow[i] && i != startRow {
                u[i] += minimum - shortest[columnOfRow[i]]
            }
            for j in 0..<n where scannedColumn[j] {
                v[j] -= minimum - shortest[j]
            }
            var column = sink
            while true {
                let i = previousRow[column]
                rowOfColumn[column] = i
                let displaced = columnOfRow[i]
                columnOfRow[i] = column
                if i == startRow { break }
                column = displaced
            }
        }
        return Array(UnsafeBufferPointer(start: columnOfRow, count: n))
    }
}
