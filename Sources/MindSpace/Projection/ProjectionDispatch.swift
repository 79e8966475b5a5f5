extension ProjectionMethod {
    /// Projects `points` to 2-D with this method (`seed` drives every random choice): the one
    /// place that maps a method to its implementation, for `project` and `contrast` alike.
    public func project<Scalar: BinaryFloatingPoint & Sendable>(_ points: Matrix<Scalar>, seed: UInt64) throws -> Projection2D {
        switch self {
        case .pca: return try PCAProjection().project(points)
        case .random: return try RandomProjection(seed: seed).project(points)
        }
    }
}
