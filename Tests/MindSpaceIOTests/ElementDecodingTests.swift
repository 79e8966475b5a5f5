import Testing
@testable import MindSpaceCore
@testable import MindSpaceIO

@Suite struct ElementDecodingTests {
    @Test func halfPrecisionDecodesExactly() {
        // binary16 reference values from IEEE 754: 1.0, -2.0, 65504 (max), 2^-24 (min subnormal), inf.
        #expect(ElementDecoding.float(fromHalfBits: 0x3C00) == 1.0)
        #expect(ElementDecoding.float(fromHalfBits: 0xC000) == -2.0)
        #expect(ElementDecoding.float(fromHalfBits: 0x7BFF) == 65504.0)
        #expect(ElementDecoding.float(fromHalfBits: 0x0001) == 0x1p-24)
        #expect(ElementDecoding.float(fromHalfBits: 0x7C00) == .infinity)
        #expect(ElementDecoding.float(fromHalfBits: 0x7E00).isNaN)
        #expect(ElementDecoding.float(fromBFloat16Bits: 0x3F80) == 1.0)
        #expect(ElementDecoding.float(fromBFloat16Bits: 0xC049) == -3.140625)
    }
}
