import Testing
@testable import MindSpaceCore
@testable import MindSpaceNumerics
@testable import MindSpaceSimilarity

/// `GroupSeparation` and `LabelledGroups`: the pair's choice and its errors, one seed one answer.
@Suite struct GroupSeparationTests {
    @Test func defaultPairIsTheTwoLargestInOrderOfAppearance() throws {
        let groups = LabelledGroups(labels: ["x", "a", "b", "a", "b", "b", "c", "a", "b"])
        #expect(groups.groups.map(\.name) == ["x", "a", "b", "c"])
        let pair = try groups.pair(nil)
        #expect(pair.first.name == "a" && pair.second.name == "b")
        #expect(pair.first.members == [1, 3, 7])
        let chosen = try groups.pair(("b", "x"))
        #expect(chosen.first.name == "b" && chosen.second.name == "x")
    }

    @Test func badPairsAreUsageErrorsNamingTheOption() {
        let groups = LabelledGroups(labels: ["a", "b", "a"])
        #expect(throws: MindSpaceError.self) { try groups.pair(("a", "zebra")) }
        do {
            _ = try groups.pair(("a", "zebra"))
        } catch let error as MindSpaceError {
            #expect(error.kind == .usage && error.description.contains("--pair") && error.description.contains("zebra"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: MindSpaceError.self) { try groups.pair(("a", "a")) }
        #expect(throws: MindSpaceError.self) { try LabelledGroups(labels: ["a", "a"]).pair(nil) }
    }

    @Test func groupsSmallerThanKAreRefused() {
        var generator = SeededGenerator(seed: 1)
        let set = GroupSamples.union(GroupSamples.gaussian(30, dimension: 2, generator: &generator),
                                     GroupSamples.gaussian(8, dimension: 2, generator: &generator))
        do {
            _ = try GroupSeparation(points: set.points, first: set.first, second: set.second, names: ("big", "small"),
                                    settings: .init(k: 10))
            Issue.record("no error")
        } catch let error as MindSpaceError {
            #expect(error.kind == .usage && error.description.contains("--k 10") && error.description.contains("'small'"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func sameSeedSameNumbers() throws {
        var generator = SeededGenerator(seed: 8)
        let set = GroupSamples.union(GroupSamples.gaussian(120, dimension: 3, generator: &generator),
                                     GroupSamples.gaussian(90, dimension: 3, offset: 1, generator: &generator))
        let settings = GroupSeparation.Settings(k: 5, permutations: 99, seed: 4)
        let one = try GroupSeparation(points: set.points, first: set.first, second: set.second, settings: settings)
        let two = try GroupSeparation(points: set.points, first: set.first, second: set.second, settings: settings)
        #expect(one == two)
        #expect(one.firstCount == 120 && one.secondCount == 90)
        // Shifted by one standard deviation: partly mixed, and told apart better than chance.
        #expect(one.mixing.ratio > 0.3 && one.mixing.ratio < 0.95)
        #expect(one.classifier.accuracy.value > one.classifier.test.nullMean)
    }
}
