import MindSpaceCore
import MindSpaceCheckpoints
import MindSpaceIO
import MindSpaceSimilarity

/// The permutation groups of a chain of dense and convolutional layers, read from tensor names
/// and shapes (Git Re-Basin's MLP and CNN symmetries, Ainsworth et al. 2023, §3).
///
/// Floating-point tensors of rank ≥ 1 are grouped by layer: the name up to its last `.`
/// (`fc1` for `fc1.weight` and `fc1.bias`), layers in natural order of those prefixes (`fc2`
/// before `fc10`). Each layer holds one weight, out × in (dense) or out × in × kh × kw
/// (convolution), and at most one bias of length out; each weight's `in` equals the previous
/// layer's `out`. Layer k's output units form one group {(W_k, 0), (b_k, 0), (W_{k+1}, 1)}; the
/// last layer's output (the network's) is not permuted. Integer tensors and scalars (step
/// counters) are not part of the chain. Anything else (a flatten from convolution to dense,
/// normalisation layers, attention) breaks the chain: the error names the first tensor that does
/// not fit, and such models need an explicit `--spec`.
package enum PermutationChainInference {
    /// One layer of the chain.
    struct Layer {
        var prefix: String
        var weight: StoredTensor?
        var bias: StoredTensor?
    }

    /// The groups of the chain in `tensors` (those of `file`, for messages).
    package static func groups(of tensors: [StoredTensor], file: String) throws -> [PermutationGroup] {
        let candidates = tensors.filter { $0.dtype.isFloatingPoint && !$0.shape.isEmpty }
        var layers: [Layer] = []
        var index: [String: Int] = [:]
        for tensor in candidates.sorted(by: { NaturalOrder.areInIncreasingOrder($0.name, $1.name) }) {
            let prefix = tensor.name.lastIndex(of: ".").map { String(tensor.name[..<$0]) } ?? tensor.name
            if index[prefix] == nil {
                index[prefix] = layers.count
                layers.append(Layer(prefix: prefix))
            }
        }
        for tensor in candidates {
            let prefix = tensor.name.lastIndex(of: ".").map { String(tensor.name[..<$0]) } ?? tensor.name
            guard let position = index[prefix] else { continue }
            switch tensor.shape.count {
            case 2, 4:
                if let other = layers[position].weight {
                    throw breaks(file, tensor, "layer \(prefix) already has the weight \(other.name)")
                }
                layers[position].weight = tensor
            case 1:
                if let other = layers[position].bias {
                    throw breaks(file, tensor, "layer \(prefix) already has the bias \(other.name)")
                }
                layers[position].bias = tensor
            default:
                throw breaks(file, tensor, "it is neither a dense (out × in) or convolution (out × in × kh × kw) weight nor a bias")
            }
        }
        var previousOut: Int?
        for layer in layers {
            guard let weight = layer.weight else {
                throw breaks(file, layer.bias ?? candidates[0], "its layer \(layer.prefix) has no weight")
            }
            if let bias = layer.bias, bias.shape[0] != weight.shape[0] {
                throw breaks(file, bias, "its length \(bias.shape[0]) is not the output size \(weight.shape[0]) of \(weight.name)")
            }
            if let previousOut, weight.shape[1] != previousOut {
                throw breaks(file, weight, "its input size \(weight.shape[1]) is not the previous layer's output size \(previousOut)")
            }
            previousOut = weight.shape[0]
        }
        guard layers.count >= 2 else {
            throw MindSpaceError.malformed(file,
                "cannot infer permutation groups: \(layers.count == 1 ? "one layer" : "no layer"), so no hidden units to permute; give them with --spec FILE.json")
        }
        return (0..<(layers.count - 1)).map { k in
            var members = [PermutationGroup.Member(tensor: layers[k].weight?.name ?? "", axis: 0)]
            if let bias = layers[k].bias { members.append(.init(tensor: bias.name, axis: 0)) }
            members.append(.init(tensor: layers[k + 1].weight?.name ?? "", axis: 1))
            return PermutationGroup(name: layers[k].prefix, members: members)
        }
    }

    private static func breaks(_ file: String, _ tensor: StoredTensor, _ why: String) -> MindSpaceError {
        MindSpaceError.malformed(file,
            "cannot infer permutation groups: the layer chain breaks at tensor \(tensor.name) (\(Checkpoint.describe(tensor))): \(why); give the groups with --spec FILE.json")
    }
}
