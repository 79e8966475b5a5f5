import ArgumentParser
import Foundation
import MindSpaceCore
import MindSpacePipeline

/// `mindspace inspect FILE...`: what arrays/tensors a file holds, optionally with statistics.
struct InspectCommand: ParsableCommand, UsesCommonOptions {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "List the arrays or tensors in data files, with dtype and shape.",
        discussion: """
            Reads .npy, .npz, .safetensors (and sharded *.safetensors.index.json), PyTorch .pt, \
            .pth, .bin and .ckpt (and sharded pytorch_model.bin.index.json; pickles are never \
            executed), .gguf, .tsv and .csv. A GGUF file's quantized tensors are listed with their \
            quantization (Q4_K, ...) and read dequantized to float32, and its metadata key-values \
            are listed too. \
            A folder stands for the checkpoints in it, found as 'trajectory' finds them (in natural \
            order: step_2 before step_10; a sharded checkpoint's folder is one checkpoint). \
            inspect writes no file and makes no random choice, so it takes no --out or --seed.
            """)

    @Argument(help: "Files or folders to inspect.")
    var files: [String]

    @Flag(name: .long, help: "Add count, non-finite count, min, max, mean, std, sum and L2 norm per tensor (in Double).")
    var stats = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file") }
    }

    /// Reports every file, each as soon as it is read: a table on stdout (or an entry of the JSON
    /// report), or, for a file that cannot be read, its one-line error on stderr (and an `error`
    /// entry in the JSON report). A failure does not hide the other files; the command then exits
    /// with the first failure's status (65 malformed, 66 missing or unreadable).
    func run() throws {
        let report = FileInventory.inspect(files, statistics: stats) { file in
            if let failure = file.error {
                FileHandle.standardError.write(Data("mindspace: \(TerminalText.line(failure.line))\n".utf8))
            } else if !common.json {
                writeStandardOutput(Data(TerminalText.block(file.textTable()).utf8))
            }
        }
        if common.json {
            writeStandardOutput(try ReportEncoding.json(report))
        }
        if let failure = report.firstFailure {
            Foundation.exit(failure.code)
        }
    }
}
