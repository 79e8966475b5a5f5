import Foundation

/// A buffer of `byteCount` bytes for each thread that asks (`pthread` thread-specific data),
/// all freed with the object. Each buffer is 64-byte aligned; a thread keeps reusing its own,
/// so the buffer stays in that core's cache.
package final class PerThreadBuffers {
    private var key = pthread_key_t()
    private let byteCount: Int
    private let lock = NSLock()
    private var buffers: [UnsafeMutableRawPointer] = []

    package init(byteCount: Int) {
        self.byteCount = max(64, byteCount)
        pthread_key_create(&key, nil)
    }

    deinit {
        pthread_key_delete(key)
        for buffer in buffers { buffer.deallocate() }
    }

    /// The calling thread's buffer.
    package func buffer() -> UnsafeMutableRawPointer {
        if let existing = pthread_getspecific(key) { return existing }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        pthread_setspecific(key, buffer)
        lock.lock()
        buffers.append(buffer)
        lock.unlock()
        return buffer
    }
}
