import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceNumerics
import MindSpaceDimension
import MindSpaceSimilarity

/// The `groups` command as a library call: the geometry of labelled groups.
///
/// For every group, its size and intrinsic dimension (`auto` by default, with its interval); for
/// one pair A, B (named, or the two largest groups), the intrinsic dimension of their union and
/// `GroupSeparation`: mixing against shuffled labels, a cross-validated k-NN classifier
/// two-sample test, and the share of B within A. Writes `groups.json` into the output folder
/// (atomically: a failure writes nothing).
public struct GroupsJob: Sendable {
    public var dataPath: String
    public var arrayName: String?
    public var groupsPath: String
    public var groupColumn: String?
    /// The pair (A, B) by group name; `nil` for the two largest groups.
    public var pair: (String, String)?
    /// k, the permutations, folds and seed of the pair's measures.
    public var settings: GroupSeparation.Settings
    /// The intrinsic-dimension estimator (`EstimatorCatalog` name); `nil` for `auto` (else twonn).
    public var estimatorName: String?
    public var outputFolder: String
    public var commandLine: [String]

    public init(dataPath: String, arrayName: String? = nil, groupsPath: String, groupColumn: String? = nil,
                pair: (String, String)? = nil, settings: GroupSeparation.Settings = .init(), estimatorName: String? = nil,
                outputFolder: String, commandLine: [String] = []) {
        self.dataPath = dataPath
        self.arrayName = arrayName
        self.groupsPath = groupsPath
        self.groupColumn = groupColumn
        self.pair = pair
        self.settings = settings
        self.estimatorName = estimatorName
        self.outputFolder = outputFolder
        self.commandLine = commandLine
    }

    public func run() throws -> GroupsReport {
        guard settings.k >= 1 else { throw MindSpaceError(.usage, "--k must be at least 1, got \(settings.k)") }
        guard settings.permutations >= 1 else {
            throw MindSpaceError(.usage, "--permutations must be at least 1, got \(settings.permutations)")
        }
        let estimatorName = self.estimatorName ?? ContrastJob.defaultEstimatorName
        guard let estimator = try EstimatorCatalog.estimators(named: [estimatorName], k: nil).first else {
            throw MindSpaceError(.usage, "name an estimator")
        }
        let input = try AnalysisInput.open(dataPath, arrayName: arrayName)
        guard input.tensor.shape.count == 2 else {
            throw MindSpaceError.malformed(dataPath, "groups needs a points × features array, got shape \(input.tensor.shape)")
        }
        let read = try AnalysisInput.labels(path: groupsPath, column: groupColumn, points: input.tensor.shape[0])
        let groups = LabelledGroups(labels: read.labels)
        let chosen: (first: LabelledGroups.Group, second: LabelledGroups.Group)
        do {
            chosen = try groups.pair(pair)
        } catch let error as MindSpaceError where error.kind == .malformedData {
            throw error.located(in: groupsPath)
        }
        let measured: Measured
        do {
            measured = try input.points(purpose: "group geometry needs finite values")
                .analyse(with: Measure(job: self, groups: groups, pair: chosen, estimator: estimator))
        } catch let error as MindSpaceError where error.kind != .usage {
            throw error.located(in: dataPath)
        }
        let folder = URL(fileURLWithPath: outputFolder)
        let report = GroupsReport(
            n: input.tensor.shape[0], d: input.tensor.shape[1], labels: groupsPath, estimator: estimator.name,
            groups: measured.groups, pair: GroupsReport.Pair(a: chosen.first.name, b: chosen.second.name,
                                                             union: measured.union, separation: measured.separation),
            report: folder.appendingPathComponent("groups.json").relativePath,
            provenance: ReportEncoding.Provenance(command: commandLine, seed: settings.seed,
                                                  inputs: [input.record, read.record]))
        let transaction = OutputTransaction()
        try transaction.stage(ReportEncoding.json(report), at: report.report)
        try transaction.commit()
        return report
    }

    /// What the job measures, before it is written.
    struct Measured {
        var groups: [GroupsReport.Group]
        var union: GroupsReport.Dimension
        var separation: GroupSeparation
    }

    /// The job's body for either precision.
    private struct Measure: PointsAnalysis {
        let job: GroupsJob
        let groups: LabelledGroups
        let pair: (first: LabelledGroups.Group, second: LabelledGroups.Group)
        let estimator: any DimensionEstimator

        func analyse<Scalar: NeighborScalar>(_ points: consuming Matrix<Scalar>) throws -> Measured {
            let all = points
            let separation = try GroupSeparation(points: all, pair: pair, settings: job.settings)
            let perGroup = groups.groups.map { group in
                GroupsReport.Group(name: group.name, n: group.members.count,
                                   dimension: job.dimension(of: all.selectingRows(group.members), estimator: estimator))
            }
            let union = job.dimension(of: all.selectingRows(pair.first.members + pair.second.members), estimator: estimator)
            return Measured(groups: perGroup, union: union, separation: separation)
        }
    }

    /// The estimate of `points`' intrinsic dimension with its interval, or why there is none.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func dimension<Scalar: NeighborScalar>(of points: Matrix<Scalar>, estimator: any DimensionEstimator) -> GroupsReport.Dimension {
        do {
            let estimate = try estimator.estimate(points, options: EstimationOptions(seed: settings.seed))
            return GroupsReport.Dimension(estimate: estimate)
        } catch let error as MindSpaceError {
            return GroupsReport.Dimension(skipped: error.reason)
        } catch {
            return GroupsReport.Dimension(skipped: "\(error)")
        }
    }
}
