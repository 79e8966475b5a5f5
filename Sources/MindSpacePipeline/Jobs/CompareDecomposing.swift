import MindSpaceCore
import MindSpaceIO
import MindSpaceSimilarity

extension CompareJob {
    /// The PERMANOVA of one metric's distances √(1 − score) (symmetrised; `distances`) by the factors of the
    /// table: the sequential terms in the table's column order and each factor alone.
    static func decompose(metric: RepresentationMetricName, scores: [[Double]], names: [String], factors table: FactorTable,
                          permutations: Int, seed: UInt64) throws -> Decomposition {
        let m = names.count
        let distances = Matrix(rows: m, columns: m, storage: Self.distances(scores))
        let factors = table.factors.enumerated().map { index, name in
            PermanovaFactor(name: name, labels: names.map { table.levels[$0]?[index] ?? "" })
        }
        let joint = try Permanova(distances: distances, factors: factors, permutations: permutations, seed: seed)
        let oneWay = try factors.enumerated().map { index, factor in
            let test = try Permanova.oneWay(distances: distances, labels: factor.labels, permutations: permutations,
                                            seed: seed &+ UInt64(index + 1))
            return Decomposition.Term(test.terms[0], name: factor.name)
        }
        return Decomposition(metric: metric.rawValue, permutations: permutations, factors: joint.terms.map { Decomposition.Term($0) },
                             residual: .init(df: joint.residualDegreesOfFreedom, r2: joint.residualRSquared), oneWay: oneWay)
    }
}

extension Decomposition.Term {
    init(_ term: PermanovaTerm, name: String? = nil) {
        self.init(name: name ?? term.name, df: term.degreesOfFreedom, r2: term.rSquared, pseudoF: term.pseudoF, pValue: term.pValue)
    }
}
