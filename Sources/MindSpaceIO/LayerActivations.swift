import Foundation
import MindSpaceCore

/// A model's activations layer by layer, as `mindspace layers` reads them: one N × D_l array
/// per layer, the same N inputs in the same row order in every layer. Described, not read: each
/// layer is a `StoredTensor` whose values are loaded on request.
///
/// Two layouts are read:
/// - **one file** that `DataFile.open` reads (`.npz`, `.safetensors`, a sharded safetensors or
///   PyTorch index, a `.pt`/`.bin` file) with one array per layer: every 2-D array is a layer,
///   named by its key, in `NaturalOrder` of the names (`layer2` before `layer10`, whatever the
///   file's order). Arrays of other ranks (a 1-D `labels`, a scalar `step`) are not layers:
///   they are listed in `skipped`.
/// - **a folder** of `.npy` files, one per layer: the layer is named by the file stem
///   (`layer3.npy` → `layer3`), in natural order of the file names; hidden files and other
///   extensions are ignored, and `.npy` files that are not 2-D are `skipped`.
///
/// `select` keeps the layers that `--layers` names, each pattern a name or a shell glob (`*`,
/// `?`, `[...]`: `NamePattern`), in the order the patterns are given: each pattern adds its
/// matches in natural order, a layer already chosen is not added twice.
///
/// Errors: a missing path is `.missingInput`; no 2-D array, layers whose row counts N differ
/// (both layers named with their N) and fewer than two layers are `.malformedData` naming the
/// file; so are a pattern that matches no layer (named with up to 10 of the available layers)
/// and a selection of a single layer (issue 16 asks exit 65 for both). A reader never computes:
/// values are not read, so NaN, Inf and dtypes are the caller's to check.
public struct LayerActivations: Sendable {
    /// One layer: its name, its array and the file the array lives in.
    public struct Layer: Sendable {
        /// The array's key in the file, or the `.npy` file's stem.
        public let name: String
        /// The N × D_l array, not yet read.
        public let tensor: StoredTensor
        /// The file holding it: the dump itself, the shard of a sharded checkpoint, or the
        /// folder's `.npy` file.
        public let path: String

        public init(name: String, tensor: StoredTensor, path: String) {
            self.name = name
            self.tensor = tensor
            self.path = path
        }

        /// D_l, the layer's width.
        public var columns: Int { tensor.shape[1] }
    }

    /// The file or folder as the user named it.
    public let path: String
    /// The layers in order: natural order of names, or the order of the `select` patterns.
    public var layers: [Layer]
    /// Names of the arrays that are not 2-D and so are not layers, in file (or natural) order.
    public var skipped: [String]

    /// N, the inputs: the row count every layer shares.
    public var rowCount: Int { layers.first?.tensor.shape[0] ?? 0 }

    /// Opens `path` (a file or a folder of `.npy` files) and keeps the layers `patterns` select
    /// (`nil` or empty: all of them). See the type's documentation for the rules and errors.
    public static func open(_ path: String, select patterns: [String]?) throws -> LayerActivations {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let (all, skipped) = exists && isFolder.boolValue ? try folderLayers(path) : try fileLayers(path)
        guard !all.isEmpty else {
            let what = skipped.isEmpty ? "nothing" : skipped.joined(separator: ", ")
            throw MindSpaceError.malformed(path, "no 2-D array of inputs × features to use as a layer; it has: \(what)")
        }
        let ordered = all.sorted { NaturalOrder.areInIncreasingOrder($0.name, $1.name) }
        let selecting = !(patterns ?? []).isEmpty
        let layers = selecting ? try select(patterns ?? [], from: ordered, path: path) : ordered
        try checkRowCounts(layers, path: path)
        guard layers.count >= 2 else {
            let only = layers.first?.name ?? ""
            if selecting && ordered.count >= 2 {
                throw MindSpaceError.malformed(path, "layers needs at least two layers; --layers selects one: \(TerminalText.escaped(only))")
            }
            let holder = exists && isFolder.boolValue ? "the folder" : "the file"
            throw MindSpaceError.malformed(path, "layers needs at least two layers; \(holder) has one: \(TerminalText.escaped(only))")
        }
        return LayerActivations(path: path, layers: layers, skipped: skipped)
    }

    /// Every array of the file, the 2-D ones as layers, the others' names as skipped.
    private static func fileLayers(_ path: String) throws -> ([Layer], [String]) {
        let file = try DataFile.open(path)
        var layers: [Layer] = [], skipped: [String] = []
        for tensor in file.tensors {
            if tensor.shape.count == 2 {
                layers.append(Layer(name: tensor.name, tensor: tensor, path: tensor.path))
            } else {
                skipped.append(tensor.name)
            }
        }
        return (layers, skipped)
    }

    /// The folder's `.npy` files (not hidden) in natural order, each a layer named by its stem.
    private static func folderLayers(_ folder: String) throws -> ([Layer], [String]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw MindSpaceError(.missingInput, file: folder, "cannot list the folder")
        }
        let files = names.filter { !$0.hasPrefix(".") && $0.lowercased().hasSuffix(".npy") }
            .sorted(by: NaturalOrder.areInIncreasingOrder)
        guard !files.isEmpty else {
            throw MindSpaceError.malformed(folder, "no .npy files in the folder (one per layer expected)")
        }
        var layers: [Layer] = [], skipped: [String] = []
        for file in files {
            let filePath = URL(fileURLWithPath: folder).appendingPathComponent(file).path
            let stem = String(file.dropLast(4))
            let tensor = try NpyReader.read(path: filePath).renamed(stem)
            if tensor.shape.count == 2 {
                layers.append(Layer(name: stem, tensor: tensor, path: filePath))
            } else {
                skipped.append(stem)
            }
        }
        return (layers, skipped)
    }

    /// The layers the patterns select, pattern by pattern, each pattern's matches in the order of
    /// `layers` (natural order), without repeats.
    private static func select(_ patterns: [String], from layers: [Layer], path: String) throws -> [Layer] {
        var chosen: [Layer] = []
        var taken = Set<String>()
        for text in patterns {
            let pattern = NamePattern(text)
            let matches = layers.filter { pattern.matches($0.name) }
            guard !matches.isEmpty else {
                let shown = layers.prefix(10).map { TerminalText.escaped($0.name) }.joined(separator: ", ")
                let more = layers.count > 10 ? ", and \(layers.count - 10) more" : ""
                throw MindSpaceError.malformed(path, "--layers '\(TerminalText.escaped(text))' matches no layer; the layers are: \(shown)\(more)")
            }
            for layer in matches where taken.insert(layer.name).inserted { chosen.append(layer) }
        }
        return chosen
    }

    /// Refuses layers whose row counts differ from the first layer's.
    private static func checkRowCounts(_ layers: [Layer], path: String) throws {
        guard let first = layers.first else { return }
        let n = first.tensor.shape[0]
        if let other = layers.first(where: { $0.tensor.shape[0] != n }) {
            throw MindSpaceError.malformed(path,
                "layers '\(TerminalText.escaped(first.name))' and '\(TerminalText.escaped(other.name))' have different numbers of rows (inputs): "
                + "\(n) and \(other.tensor.shape[0]); every layer must hold the same inputs")
        }
    }
}
