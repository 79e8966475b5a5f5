import Foundation
import MindSpaceCore

/// A command owns what it wrote into its output folder (issue 20): rerun into the same folder, it
/// removes the files its previous run wrote that this run did not, so the folder never mixes two
/// runs (`twonn-fit.png` of a TwoNN run beside the `id.json` of an MLE run).
///
/// Each *scope* (a command, or a command and its data set name for `generate`, whose runs into one
/// folder add up) keeps a manifest, `.mindspace-<scope>.files` in the folder: the paths of the
/// files it wrote, relative to the folder, one per line, sorted. `settle` is called once the
/// command has succeeded; a failed command never gets there, so it removes nothing and keeps the
/// old manifest. Only files listed in the previous manifest can be removed, never a file of
/// another scope, never one the user put there, and never an input of this run (`protecting`).
/// Folders left empty by a removal are removed too, up to the output folder.
public enum OutputOwnership {
    /// The manifest's file name for `scope`.
    public static func manifestName(scope: String) -> String {
        ".mindspace-\(scope).files"
    }

    /// Records `written` (paths as the command wrote them) as what `scope` owns in `folder`, and
    /// removes the files of the previous manifest that are not among them and not inputs.
    /// Paths outside `folder` are not recorded (a command may write elsewhere only by being told
    /// to). Returns the removed paths, relative to `folder`, sorted.
    /// Throws `.outputFailed` if the manifest cannot be written; a file that cannot be removed
    /// is left in place (it is still listed in the new manifest, so a later run tries again).
    @discardableResult
    public static func settle(folder: String, scope: String, written: [String], protecting inputs: [String]) throws -> [String] {
        let root = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        let manifest = URL(fileURLWithPath: folder).appendingPathComponent(manifestName(scope: scope))
        let previous = Set(((try? String(contentsOf: manifest, encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init).filter(isSafeRelativePath))
        var owned = Set(written.compactMap { relative(canonical($0), to: root) })
        let protected = inputs.map(canonical)
        var removed: [String] = []
        for stale in previous.subtracting(owned).sorted() {
            let path = root + "/" + stale
            if protected.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { continue }
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }  // already gone
            guard (status.st_mode & S_IFMT) == S_IFREG, unlink(path) == 0 else {
                owned.insert(stale)
                continue
            }
            removed.append(stale)
            removeEmptyParents(of: path, root: root)
        }
        let text = owned.sorted().map { $0 + "\n" }.joined()
        guard !owned.isEmpty || !previous.isEmpty else { return removed }
        let transaction = OutputTransaction()
        try transaction.stage(Data(text.utf8), at: manifest.path)
        try transaction.commit()
        return removed
    }

    /// `path` made absolute and free of `.`, `..` and symbolic links in its folders, so the same
    /// file compares equal however it was named.
    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return folder.appendingPathComponent(url.lastPathComponent).path
    }

    /// `path` relative to `root`, or `nil` when it is not inside it.
    static func relative(_ path: String, to root: String) -> String? {
        guard path.hasPrefix(root + "/") else { return nil }
        let rest = String(path.dropFirst(root.count + 1))
        return isSafeRelativePath(rest) ? rest : nil
    }

    /// Whether a manifest line is a plain relative path inside the folder (an edited or corrupt
    /// manifest must not make `settle` remove anything outside it).
    static func isSafeRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    /// Removes the folders between `path` and `root` that are now empty.
    private static func removeEmptyParents(of path: String, root: String) {
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        while folder.hasPrefix(root + "/"), rmdir(folder) == 0 {
            folder = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        }
    }
}
