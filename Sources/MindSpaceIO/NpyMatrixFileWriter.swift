import Foundation
import MindSpaceCore

/// Writes a `rows` × `columns` float64 matrix as a NumPy `.npy` file (format 1.0, little-endian,
/// C order; the same header as `NpyWriter`) without holding it in memory: the header and the
/// file's full size are set up front, then blocks of columns are written where they belong, one
/// `pwrite` per row of the block. For results too large for memory, such as K principal
/// directions of 10⁹ parameters (streamed in column chunks).
///
/// Pair it with `OutputTransaction.stageFile(at:writing:)` so the file appears only when the whole
/// command succeeds. Elements never written stay 0 (the file is created sparse by `ftruncate`).
public final class NpyMatrixFileWriter {
    public let path: String
    public let rows: Int
    public let columns: Int
    private let descriptor: Int32
    private let dataOffset: Int
    private var closed = false

    /// Creates (or truncates) `path` and writes the header. Throws `.cannotCreateOutput` if the
    /// file cannot be created, `.outputFailed` if writing fails.
    public init(path: String, rows: Int, columns: Int) throws {
        precondition(rows >= 0 && columns >= 0)
        self.path = path
        self.rows = rows
        self.columns = columns
        let header = NpyWriter.header(descr: "<f8", shape: [rows, columns])
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw MindSpaceError(.cannotCreateOutput, file: path,
                                 "cannot create the file: \(String(cString: strerror(errno)).lowercased())")
        }
        descriptor = fd
        dataOffset = header.count
        let (elements, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, elements <= (Int.max - header.count) / 8 else {
            close(fd)
            throw MindSpaceError(.outputFailed, file: path, "a \(rows) × \(columns) matrix is too large for a file")
        }
        do {
            try header.withUnsafeBytes { try write($0, at: 0) }
            guard ftruncate(fd, off_t(header.count + elements * 8)) == 0 else {
                throw MindSpaceError(.outputFailed, file: path,
                                     "cannot size the file: \(String(cString: strerror(errno)).lowercased())")
            }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit {
        if !closed { close(descriptor) }
    }

    /// Writes the row-major `rows` × `width` block `values` into columns
    /// `firstColumn ..< firstColumn + width` of every row.
    public func writeColumns(_ values: UnsafeBufferPointer<Double>, firstColumn: Int, width: Int) throws {
        precondition(firstColumn >= 0 && width >= 0 && firstColumn + width <= columns && values.count >= rows * width)
        guard width > 0, let base = values.baseAddress else { return }
        for row in 0..<rows {
            let segment = UnsafeBufferPointer(start: base + row * width, count: width)
            let offset = dataOffset + (row * columns + firstColumn) * 8
            if ByteOrder.native == .little {
                try write(UnsafeRawBufferPointer(segment), at: offset)
            } else {
                let swapped = segment.map { $0.bitPattern.littleEndian }
                try swapped.withUnsafeBytes { try write($0, at: offset) }
            }
        }
    }

    /// Flushes the file to disk and closes it.
    public func finish() throws {
        guard !closed else { return }
        closed = true
        FaultInjection.outputStep()
        let synced = fsync(descriptor) == 0
        let closedCleanly = close(descriptor) == 0
        guard synced && closedCleanly else {
            throw MindSpaceError(.outputFailed, file: path, "cannot finish writing the file: \(OutputFileWriting.reason(errno))")
        }
    }

    private func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        try OutputFileWriting.write(bytes, to: descriptor, at: offset, path: path)
    }
}
