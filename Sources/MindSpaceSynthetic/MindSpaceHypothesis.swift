/// The two pictures of "mind space" that the project's argument sets against each other, each
/// as a generative model with known intrinsic dimensions (illustrative, not models of any real
/// system):
///
/// - `manifold` (`MindSpaceModel`): minds made by learning processes lie on a thin
///   d-dimensional manifold; humans spread over it and AIs, trained mostly on human data, land
///   among them.
/// - `sphere` (`SphereHypothesisModel`): the space of minds is wide; AIs can land anywhere in a
///   D-dimensional ball and humans are a tight d-dimensional cluster in one corner of it.
///
/// Both have the same N, D and group sizes, so their measurements compare directly.
public enum MindSpaceHypothesis: String, CaseIterable, Sendable, Codable {
    case manifold
    case sphere

    /// The hypothesis called `name` (any case), or `nil`.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }
}
