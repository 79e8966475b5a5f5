import Testing
@testable import MindSpaceCore
import MindSpaceTestSupport

@Suite struct ContentHashTests {
    /// Reference digests from the `xxhash` Python package 4.1.0 (libxxhash), `xxh64(data).hexdigest()`.
    static let vectors: [(bytes: [UInt8], digest: String)] = [
        ([], "ef46db3751d8e999"),
        (Array("abc".utf8), "44bc2cf5ad770999"),
        (Array("The quick brown fox jumps over the lazy dog".utf8), "0b242d361fda71bc"),
        ((0..<3).flatMap { _ in (0..<256).map { UInt8($0) } } + Array("xyz1234".utf8), "559ea82afe8f46c9"),
    ]

    @Test(arguments: 0..<vectors.count)
    func matchesReferenceDigestsInAnyChunking(index: Int) {
        let (bytes, digest) = Self.vectors[index]
        var whole = ContentHash()
        whole.update(bytes)
        #expect(whole.hexDigest() == digest)
        for chunk in [1, 5, 31, 33] {
            var pieces = ContentHash()
            var start = 0
            while start < bytes.count {
                pieces.update(Array(bytes[start..<min(start + chunk, bytes.count)]))
                start += chunk
            }
            #expect(pieces.hexDigest() == digest, "chunk size \(chunk)")
        }
    }
}
