import Foundation
import PackagePlugin

/// Records the git commit a `mindspace` binary is built from, for `mindspace --version` and bug
/// reports: before every build it writes `BuildCommit.swift` (`let buildCommit = "…"`) into the
/// plugin's work folder, which SwiftPM compiles into the target. The file is rewritten only when
/// the commit changes, so an unchanged tree does not recompile the command-line target.
///
/// The commit is `git rev-parse --short=12 HEAD` of the package, with `-dirty` when tracked files
/// differ from it, and `unknown` outside a git checkout (a source tarball) or without git.
@main
struct BuildCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("generated")
        let script = #"""
            root="$1"; out="$2"; mkdir -p "$out"
            commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null) || commit=unknown
            [ -n "$commit" ] || commit=unknown
            if [ "$commit" != unknown ] && ! git -C "$root" diff --quiet HEAD -- 2>/dev/null; then commit="$commit-dirty"; fi
            text="/// The commit this binary was built from (written by Plugins/BuildCommit before each build).
            let buildCommit = \"$commit\""
            if [ "$(cat "$out/BuildCommit.swift" 2>/dev/null)" != "$text" ]; then printf '%s\n' "$text" > "$out/BuildCommit.swift"; fi
            """#
        return [
            .prebuildCommand(
                displayName: "Recording the git commit of \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output),
        ]
    }
}
