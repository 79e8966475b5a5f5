import Foundation
import MindSpaceCore
import MindSpaceIO

/// Trees of runs written as `.npy` checkpoints (one float64 vector each), for `BatchJob`.
package enum RunTree {
    /// Writes `points[run][checkpoint]` as `<root>/<name>/step_<10·c>.npy` and returns the root.
    package static func write(_ points: [String: [[Double]]]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mindspace-batch-\(UUID().uuidString)")
        for (name, checkpoints) in points {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (index, values) in checkpoints.enumerated() {
                try NpyWriter.encode(vector: values).write(to: folder.appendingPathComponent("step_\(index * 10).npy"))
            }
        }
        return root
    }

    /// `runs` runs of `checkpoints` checkpoints of `parameters` values: seeded random walks.
    package static func randomWalks(runs: Int, checkpoints: Int, parameters: Int, seed: UInt64) -> [String: [[Double]]] {
        var generator = SeededGenerator(seed: seed)
        var tree: [String: [[Double]]] = [:]
        for run in 0..<runs {
            var point = (0..<parameters).map { _ in generator.nextGaussian() }
            var path: [[Double]] = []
            for _ in 0..<checkpoints {
                path.append(point)
                point = point.map { $0 + 0.3 * generator.nextGaussian() }
            }
            tree["group\(run % 2)-seed\(run)"] = path
        }
        return tree
    }

    /// Every visible file under `folder` (hidden ones, like `.cache`, excluded) → its bytes.
    package static func files(under folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                        options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            if (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                result[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
            }
        }
        return result
    }
}
