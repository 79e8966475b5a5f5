// swift-tools-version:6.0
import PackageDescription

// MindSpace: intrinsic dimension, PCA and pictures of "mind space" (weights and embeddings).
// C libraries are wrapped as system-library targets; each is imported by exactly one Swift file
// of the library (see shared/style.md).
let package = Package(
    name: "MindSpace",
    products: [
        .library(name: "MindSpace", targets: ["MindSpace"]),
        .executable(name: "mindspace", targets: ["mindspace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // LAPACKE + CBLAS from Debian's OpenBLAS. Debian's libopenblas does not export the
        // LAPACKE symbols, so the module map links both `lapacke` and `openblas`.
        .systemLibrary(
            name: "CLinalg",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Our own SIMD kernels for the checkpoint stream (Gram products, widening, centring), with
        // a run-time choice between AVX-512, AVX2 and portable C.
        .target(name: "CGramKernels"),
        // Our own streaming XXH3-64 content hash, with the same run-time choice for its stripe loop.
        .target(name: "CXXH3"),
        // Our own SIMD kernels for the exact neighbour engine (projection-bound scans, direct
        // distances), AVX-512 or portable C chosen at run time.
        .target(name: "CNeighborKernels"),
        .target(
            name: "MindSpace",
            dependencies: ["CLinalg", "CPNG", "CZlib", "CGramKernels", "CXXH3", "CNeighborKernels"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "mindspace",
            dependencies: [
                "MindSpace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "MindSpaceTests",
            dependencies: ["MindSpace"],
            resources: [.copy("Fixtures")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
