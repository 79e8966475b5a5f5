/// A fixed-size buffer with a stable address, freed with its last reference: for kernels that
/// take raw pointers, on several threads, without nesting one `withUnsafe…` closure per array.
/// Elements must be trivial (numbers, `Bool`); each thread writes only its own indices.
/// `@inlinable` so that element access stays a plain load or store in the other modules' kernels.
public final class OwnedBuffer<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public let count: Int

    /// `count` copies of `value`.
    @inlinable public init(repeating value: Element, count: Int) {
        precondition(count >= 0, "negative buffer size")
        self.count = count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(1, count))
        base.initialize(repeating: value, count: count)
    }

    /// A copy of `elements`.
    @inlinable public init(_ elements: [Element]) {
        count = elements.count
        base = UnsafeMutablePointer<Element>.allocate(capacity: max(1, count))
        elements.withUnsafeBufferPointer { source in
            if let start = source.baseAddress { base.initialize(from: start, count: count) }
        }
    }

    @inlinable deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    @inlinable public subscript(index: Int) -> Element {
        get { base[index] }
        set { base[index] = newValue }
    }

    /// The elements, copied into an array.
    public var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
