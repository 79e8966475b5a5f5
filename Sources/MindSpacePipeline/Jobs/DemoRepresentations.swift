import Foundation
import MindSpaceCore
import MindSpaceIO
import MindSpaceCheckpoints

/// The demo's representations of the digits: for every shipped training run, the hidden layer of
/// its final checkpoint on all 1797 images, ReLU(x·W₁ᵀ + b₁) with x the pixels divided by 16 —
/// exactly the forward pass `datasets/make_trajectories.py` trained — and a factors table
/// naming each run's data subset and seed, read from the run's folder name
/// (`subset{S}-seed{K}`). These are what `compare` measures: do runs on the same data, or from
/// the same initialisation, learn the same representation?
struct DemoRepresentations {
    /// The activation files (one per run, run-folder name as stem) and the factors table, if
    /// every run's name carries its subset and seed.
    var paths: [String]
    var factors: String?

    /// Computes and writes the activations of every run under `runsFolder` into `folder`.
    static func write(runsFolder: URL, digits: URL, into folder: URL) throws -> DemoRepresentations {
        let images = try AnalysisInput.open(digits.path, arrayName: nil).matrix(as: Float.self)
        let runs = try FileManager.default.contentsOfDirectory(atPath: runsFolder.path)
            .filter { !$0.hasPrefix(".") }.sorted(by: NaturalOrder.areInIncreasingOrder)
        let transaction = OutputTransaction()
        var paths: [String] = []
        var rows = ["run\tdata\tseed"]
        for run in runs {
            let checkpoints = try FileManager.default.contentsOfDirectory(atPath: runsFolder.appendingPathComponent(run).path)
                .filter { $0.hasSuffix(".safetensors") }.sorted(by: NaturalOrder.areInIncreasingOrder)
            guard let last = checkpoints.last else { continue }
            let file = try DataFile.open(runsFolder.appendingPathComponent(run).appendingPathComponent(last).path)
            guard let weight = file.tensors.first(where: { $0.name == "fc1.weight" }),
                  let bias = file.tensors.first(where: { $0.name == "fc1.bias" }) else { continue }
            var biases = [Float](repeating: 0, count: bias.elementCount)
            try biases.withUnsafeMutableBufferPointer { try bias.readElements(0..<bias.elementCount, into: $0) }
            let hidden = try activations(images, weight: weight.matrix(as: Float.self), bias: biases)
            let path = folder.appendingPathComponent("\(run).npy").relativePath
            try transaction.stage(NpyWriter.encode(hidden), at: path)
            paths.append(path)
            let parts = run.split(separator: "-")
            if parts.count == 2, parts[0].hasPrefix("subset"), parts[1].hasPrefix("seed") {
                rows.append("\(run)\t\(parts[0])\t\(parts[1])")
            }
        }
        let factors = rows.count == paths.count + 1 && paths.count >= 4 ? folder.appendingPathComponent("factors.tsv").relativePath : nil
        if let factors { try transaction.stage(Data((rows.joined(separator: "\n") + "\n").utf8), at: factors) }
        try transaction.commit()
        return DemoRepresentations(paths: paths, factors: factors)
    }

    /// ReLU(x/16 · Wᵀ + b) for every image x (rows of `images`, pixels 0–16), in float32 as trained.
    static func activations(_ images: Matrix<Float>, weight: Matrix<Float>, bias: [Float]) throws -> Matrix<Float> {
        guard weight.columns == images.columns, bias.count == weight.rows else {
            throw MindSpaceError.malformed(nil, "fc1 is \(weight.rows)×\(weight.columns) with \(bias.count) biases; "
                + "the digits have \(images.columns) pixels")
        }
        var hidden = Matrix<Float>(rows: images.rows, columns: weight.rows)
        for i in 0..<images.rows {
            for unit in 0..<weight.rows {
                var sum: Float = 0
                for pixel in 0..<images.columns { sum += images[i, pixel] / 16 * weight[unit, pixel] }
                hidden[i, unit] = max(sum + bias[unit], 0)
            }
        }
        return hidden
    }
}
