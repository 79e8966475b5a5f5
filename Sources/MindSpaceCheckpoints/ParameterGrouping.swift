/// How the parameters of a checkpoint are split for separate spectra (`--per-tensor`,
/// `--per-layer`): each group gets its own n×n Gram matrix in the same streaming pass, and since
/// a Gram matrix is a sum over parameters, the groups' matrices add up to the whole one.
public enum ParameterGrouping: String, Sendable, Codable, CaseIterable {
    /// One spectrum of all selected parameters.
    case none
    /// One spectrum per tensor.
    case tensor
    /// One spectrum per layer: tensors whose names agree up to the last `.`
    /// (`fc1.weight` and `fc1.bias` form `fc1`; a name without `.` is its own layer).
    case layer

    /// The group a tensor called `name` belongs to (for `.none`, the single group "all").
    public func groupName(ofTensor name: String) -> String {
        switch self {
        case .none: return "all"
        case .tensor: return name
        case .layer:
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
            return String(name[..<dot])
        }
    }
}
