import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceDimension

@Suite struct NeighborContextTests {
    @Test func sharedDeduplicationGivesTheSameSearch() throws {
        // NeighborContext reusing the caller's duplicate analysis equals the one made inside.
        var generator = SeededGenerator(seed: 12)
        var rows = (0..<120).map { _ in (0..<3).map { _ in generator.nextUnitDouble() } }
        rows += rows.prefix(12)
        let points = Matrix(rows)
        let own = try NeighborContext(points, k: 5, options: EstimationOptions())
        let shared = try NeighborContext(points, deduplication: DeduplicatedPoints(points), k: 5, options: EstimationOptions())
        #expect(own.table.distances == shared.table.distances && own.table.indices == shared.table.indices)
        #expect(shared.deduplication?.removedCount == 12 && own.deduplication?.removedCount == 12)
    }
}
