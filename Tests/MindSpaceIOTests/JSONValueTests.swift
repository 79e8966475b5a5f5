import Testing
@testable import MindSpaceIO
import MindSpaceTestSupport

@Suite struct JSONValueTests {
    private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func keepsOrderNumbersAndEscapes() throws {
        let value = try parse(#" {"b": [1, -0.5e3, true, null], "a": "x\"\u00e9\ud83d\ude00\n"} "#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(value["a"] == .string("x\"é😀\n"))
        #expect(value["b"] == .array([.number("1"), .number("-0.5e3"), .bool(true), .null]))
    }

    @Test func integersAreExactAndOnlyIntegers() throws {
        #expect(try parse("9007199254740993").exactInteger == 9_007_199_254_740_993)
        #expect(try parse("9223372036854775807").exactInteger == Int.max)
        #expect(try parse("9223372036854775808").exactInteger == nil)
        #expect(try parse("2.0").exactInteger == nil)
        #expect(try parse("2e3").exactInteger == nil)
        #expect(try parse("-4").exactInteger == -4)
    }

    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, "duplicate key 'a'"),
        ("[1, 2,]", "unexpected character ']'"),
        ("01", "unexpected text after the JSON value"),
        (#""\ud800""#, "unpaired surrogate"),
        ("\"a\u{01}\"", "raw control character"),
        ("[1] x", "unexpected text after the JSON value"),
        ("{", "expected a string key"),
        ("nul", "invalid literal"),
        (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "nested deeper than 64"),
    ])
    func refusesInvalidJSON(_ testCase: (String, String)) {
        #expect {
            try parse(testCase.0)
        } throws: { error in
            (error as? JSONSyntaxError)?.reason.contains(testCase.1) ?? false
        }
    }

    @Test func refusesInvalidUTF8InStrings() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parse(text) }
    }
}
