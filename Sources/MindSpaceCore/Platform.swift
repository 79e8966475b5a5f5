// The C library (math functions, `pthread`, file descriptors), imported once for every module
// that imports MindSpaceCore, instead of a `#if canImport(Glibc)` block in each file.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif
