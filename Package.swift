// swift-tools-version:6.0
import PackageDescription

// MindSpace: intrinsic dimension, PCA and pictures of "mind space" (weights and embeddings).
//
// One library target per layer; a module imports only the targets it declares, so an arrow that
// points up does not compile. docs/architecture.md draws the graph and says what each module
// owns; scripts/check-architecture.swift checks every `import` against this file in `make test`.
// Each C target is imported by exactly one Swift module.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "MindSpace",
    products: [
        // `import MindSpace` brings in every layer (see Sources/MindSpace/MindSpace.swift).
        .library(name: "MindSpace", targets: ["MindSpace"]),
        .executable(name: "mindspace", targets: ["mindspace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries, each wrapped as a system-library target.
        // LAPACKE + CBLAS from Debian's OpenBLAS. Debian's libopenblas does not export the
        // LAPACKE symbols, so the module map links both `lapacke` and `openblas`.
        .systemLibrary(name: "CLinalg", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Our own C kernels, each with a run-time choice between AVX-512, (AVX2) and portable C:
        // Gram products, widening and centring for the checkpoint stream, and tensor statistics;
        .target(name: "CGramKernels"),
        // streaming XXH3-64 content hash;
        .target(name: "CXXH3"),
        // projection-bound scans and direct distances for the exact neighbour engine.
        .target(name: "CNeighborKernels"),
        // float32 matrix products (AVX-512 register tiles) for CKA, PCA and the neighbour engine.
        .target(name: "CProductKernels"),

        // Layers, bottom up.
        // Matrix, errors, RNG, hashes, byte sources, parameter values, the parallel loop.
        .target(name: "MindSpaceCore", dependencies: ["CXXH3"], swiftSettings: swiftSettings),
        // Readers and writers of data files (npy, npz, safetensors, delimited text, JSON).
        .target(name: "MindSpaceIO", dependencies: ["MindSpaceCore", "CZlib"],
                swiftSettings: swiftSettings),
        // BLAS/LAPACK (the only caller), PCA, exact neighbours, special functions, bootstrap.
        .target(name: "MindSpaceNumerics", dependencies: ["MindSpaceCore", "CLinalg", "CNeighborKernels", "CProductKernels"],
                swiftSettings: swiftSettings),
        // Synthetic data with known intrinsic dimension (shapes, benchmark manifolds, the model).
        .target(name: "MindSpaceSynthetic", dependencies: ["MindSpaceCore", "MindSpaceNumerics"],
                swiftSettings: swiftSettings),
        // Intrinsic-dimension estimators (one protocol, one file each) and their calibration.
        .target(name: "MindSpaceDimension",
                dependencies: ["MindSpaceCore", "MindSpaceNumerics", "MindSpaceSynthetic"],
                swiftSettings: swiftSettings),
        // Geometry of labelled groups against each other: mixing, classifier test, within-share.
        .target(name: "MindSpaceSimilarity", dependencies: ["MindSpaceCore", "MindSpaceNumerics"],
                swiftSettings: swiftSettings),
        // 2-D projections (PCA, random, MDS, Isomap, UMAP, t-SNE) and null models.
        .target(name: "MindSpaceProjection", dependencies: ["MindSpaceCore", "MindSpaceNumerics"],
                swiftSettings: swiftSettings),
        // Canvas, text, plots and PNG; knows nothing of estimators or where points came from.
        .target(name: "MindSpaceRender", dependencies: ["MindSpaceCore", "MindSpaceIO", "CPNG"],
                swiftSettings: swiftSettings),
        // Checkpoint sets and the streaming Gram passes over them.
        .target(name: "MindSpaceCheckpoints",
                dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceNumerics", "CGramKernels"],
                swiftSettings: swiftSettings),
        // Jobs and reports: what each command does, end to end; weight-set analysis.
        .target(name: "MindSpacePipeline",
                dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceNumerics", "MindSpaceSynthetic",
                               "MindSpaceDimension", "MindSpaceSimilarity", "MindSpaceProjection", "MindSpaceRender",
                               "MindSpaceCheckpoints"],
                swiftSettings: swiftSettings),
        // The product's umbrella: re-exports every layer.
        .target(name: "MindSpace",
                dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceNumerics", "MindSpaceSynthetic",
                               "MindSpaceDimension", "MindSpaceSimilarity", "MindSpaceProjection", "MindSpaceRender",
                               "MindSpaceCheckpoints", "MindSpacePipeline"],
                swiftSettings: swiftSettings),
        // The command-line program: parses arguments, calls one job, prints.
        .executableTarget(
            name: "mindspace",
            dependencies: [
                "MindSpaceCore", "MindSpaceSynthetic", "MindSpaceDimension", "MindSpaceSimilarity", "MindSpaceProjection",
                "MindSpaceCheckpoints", "MindSpacePipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["BuildCommit"]
        ),
        // Writes the git commit the binary is built from, for `mindspace --version`.
        .plugin(name: "BuildCommit", capability: .buildTool()),
        // TESTS-BEGIN
        // Helpers and fixtures shared by the test targets (no tests of its own).
        .target(name: "MindSpaceTestSupport", dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceNumerics"],
                path: "Tests/MindSpaceTestSupport", resources: [.copy("Fixtures")],
                swiftSettings: swiftSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceSynthetic", "MindSpaceDimension", "MindSpaceProjection", "MindSpaceRender", "MindSpaceCheckpoints", "MindSpaceTestSupport", "mindspace"],
                    exclude: ["Golden"], swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceCheckpointsTests", dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceCheckpoints", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceCoreTests", dependencies: ["MindSpaceCore", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceDimensionTests", dependencies: ["MindSpaceCore", "MindSpaceNumerics", "MindSpaceDimension", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceIOTests", dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceNumericsTests", dependencies: ["MindSpaceCore", "MindSpaceNumerics", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpacePipelineTests", dependencies: ["MindSpaceCore", "MindSpaceIO", "MindSpaceNumerics", "MindSpaceSynthetic", "MindSpaceDimension", "MindSpaceSimilarity", "MindSpaceProjection", "MindSpaceCheckpoints", "MindSpacePipeline", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceProjectionTests", dependencies: ["MindSpaceCore", "MindSpaceNumerics", "MindSpaceDimension", "MindSpaceProjection", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceRenderTests", dependencies: ["MindSpaceCore", "MindSpaceRender", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceSimilarityTests", dependencies: ["MindSpaceCore", "MindSpaceNumerics", "MindSpaceSimilarity", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "MindSpaceSyntheticTests", dependencies: ["MindSpaceCore", "MindSpaceNumerics", "MindSpaceSynthetic", "MindSpaceTestSupport"],
                    swiftSettings: swiftSettings),
        // TESTS-END
    ]
)
