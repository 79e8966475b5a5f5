import Foundation

/// The shared test fixtures (`Tests/MindSpaceTestSupport/Fixtures/`, copied into this target's
/// resource bundle): peer outputs with the scripts and versions that made them.
package enum TestFixtures {
    /// The `Fixtures` folder, or `nil` if the resource bundle is missing.
    package static var root: URL? { Bundle.module.url(forResource: "Fixtures", withExtension: nil) }

    /// `value`, or an error saying what was missing (for fixture readers outside a test).
    package static func unwrap<Value>(_ value: Value?, _ what: @autoclosure () -> String = "a fixture value",
                                      file: StaticString = #filePath, line: UInt = #line) throws -> Value {
        guard let value else { throw MissingFixture(what: what(), file: "\(file)", line: Int(line)) }
        return value
    }
}

/// A fixture file or value that is not where a test expected it.
package struct MissingFixture: Error, CustomStringConvertible {
    package var what: String
    package var file: String
    package var line: Int
    package var description: String { "missing \(what) (\(file):\(line))" }
}
