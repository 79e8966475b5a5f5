// swift-tools-version:6.0
import PackageDescription

// MindSpace's fuzz harnesses (issue 17; docs/reliability.md): one libFuzzer executable per
// parser entry point, each a `@_cdecl("LLVMFuzzerTestOneInput")` function over the public
// readers of the package at `..`. They live in their own package so that `make test` and
// `make demo` never build them; `scripts/fuzz.sh` (`make fuzz`) builds them with
//     swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
//         -Xswiftc -enable-testing
// (libFuzzer supplies `main`) and runs each from a seed corpus made from the test fixtures.
//
// A harness fails (and libFuzzer records a crash) when a reader traps, when ASan sees a memory
// error or a leak, when it runs past `-timeout` or `-rss_limit_mb`, or when it throws anything
// other than a `MindSpaceError` (shared/cli.md: malformed input is exit 65, never a crash).
let harnesses = [
    ("FuzzNpy", "`.npy` header and elements (NpyReader.parse)"),
    ("FuzzNpz", "`.npz`: zip directory, inflate, members (NpzReader.read)"),
    ("FuzzSafetensors", "safetensors header and elements (SafetensorsReader.read)"),
    ("FuzzShardIndex", "`model.safetensors.index.json` (ShardedCheckpointReader.open)"),
    ("FuzzDelimitedText", "TSV/CSV points (DelimitedTextReader.parse)"),
    ("FuzzGroupLabels", "metadata.tsv labels (GroupLabelsReader.parse)"),
    ("FuzzFactorTable", "factor tables (FactorTable.parse)"),
    ("FuzzPyTorch", "torch.save files, zip and legacy, and their pickles (PyTorchReader.read)"),
    ("FuzzGGUF", "GGUF header, metadata and dequantization (GGUFReader.read)"),
    ("FuzzPNGText", "PNG tEXt/iTXt chunks written and read back (PNGCodec)"),
]

let package = Package(
    name: "MindSpaceFuzz",
    dependencies: [.package(name: "MindSpace", path: "..")],
    targets: [
        // What every harness shares: reading the elements of what a reader returned, the
        // errors a reader may throw, scratch files in /dev/shm.
        // libFuzzer's driver entry, declared for Swift.
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", .product(name: "MindSpace", package: "MindSpace")]),
    ] + harnesses.map { name, _ in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "MindSpace", package: "MindSpace")])
    }
)
