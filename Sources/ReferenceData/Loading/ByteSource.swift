import CompressNIO
import Crypto
import Foundation
import NIOCore

/// Reads a file in fixed-size chunks, inflating it when it is gzip, and hands the plain bytes to a consumer.
/// Memory stays at two buffers whatever the file size. Also computes the SHA-256 of the file's bytes as stored.
struct ByteSource {
    static let chunkSize = 256 * 1024

    let path: String
    /// True when the file starts with the gzip magic bytes (1f 8b).
    private(set) var isGzip = false
    private(set) var fileSize: Int64 = 0

    init(path: String) { self.path = path }

    /// The first `count` bytes of the file as stored (for sniffing), or a read error.
    static func head(path: String, count: Int) throws(ReferenceFileError) -> [UInt8] {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw ReferenceFileError(.unreadable, "cannot open \(path)")
        }
        defer { try? h.close() }
        do {
            return [UInt8](try h.read(upToCount: count) ?? Data())
        } catch {
            throw ReferenceFileError(.unreadable, "cannot read \(path): \(error)")
        }
    }

    static func looksGzip(_ head: [UInt8]) -> Bool { head.count >= 2 && head[0] == 0x1f && head[1] == 0x8b }

    /// Streams the plain (inflated) bytes of the file to `consume`, in order.
    /// - Parameters:
    ///   - progress: called after each chunk with (bytes of the file read, file size).
    ///   - consume: gets each run of plain bytes; may throw to stop.
    /// - Returns: the SHA-256 (hex) of the stored bytes.
    /// - Throws: `ReferenceFileError` (`.unreadable`, `.notGzip`, `.truncated`) or whatever `consume` throws.
    func stream(progress: (Int64, Int64) -> Void = { _, _ in },
                consume: (UnsafeRawBufferPointer) throws -> Void) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReferenceFileError(.unreadable, "cannot open \(path)")
        }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        var sha = SHA256()
        var readSoFar: Int64 = 0
        let head = try Self.head(path: path, count: 2)
        let gzip = Self.looksGzip(head)
        if path.hasSuffix(".gz") && !gzip {
            throw ReferenceFileError(.notGzip, "\((path as NSString).lastPathComponent) is named .gz but is not gzip data")
        }
        func readChunk() throws -> Data? {
            let d: Data?
            do { d = try handle.read(upToCount: Self.chunkSize) } catch {
                throw ReferenceFileError(.unreadable, "cannot read \(path): \(error)")
            }
            guard let d, !d.isEmpty else { return nil }
            sha.update(data: d)
            readSoFar += Int64(d.count)
            return d
        }
        if !gzip {
            while let d = try readChunk() {
                try d.withUnsafeBytes { try consume($0) }
                progress(readSoFar, size)
            }
        } else {
            try inflate(readChunk: readChunk, consume: consume, afterChunk: { progress(readSoFar, size) })
        }
        return sha.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private func inflate(readChunk: () throws -> Data?, consume: (UnsafeRawBufferPointer) throws -> Void,
                         afterChunk: () -> Void) throws {
        let name = (path as NSString).lastPathComponent
        var decompressor = try makeDecompressor(name)
        var input = ByteBufferAllocator().buffer(capacity: Self.chunkSize)
        var output = ByteBufferAllocator().buffer(capacity: Self.chunkSize)
        // zlib does not say whether a call that used up all the input also reached the end of the gzip member,
        // so `ended` is known for sure only when a call returns with input left over (Z_STREAM_END) or when
        // the final probe below succeeds.
        var ended = false
        var memberStarted = false
        while let data = try readChunk() {
            input.clear()
            input.writeBytes(data)
            while input.readableBytes > 0 {
                if ended {
                    // Another gzip member may follow (concatenated gzip); anything else is garbage.
                    let b0 = input.getInteger(at: input.readerIndex, as: UInt8.self)
                    guard b0 == 0x1f else {
                        throw ReferenceFileError(.notGzip, "\(name): unexpected bytes after the end of the gzip stream")
                    }
                    decompressor = try makeDecompressor(name)
                    ended = false
                }
                output.clear()
                let before = input.readableBytes
                do {
                    try decompressor.inflate(from: &input, to: &output)
                    // Normal return: the member ended, or all input was used with room left in `output`.
                    if input.readableBytes > 0 { ended = true }
                } catch let e as CompressNIOError where e == .bufferOverflow {
                    // `output` is full: hand it over and go on.
                } catch let e as CompressNIOError where e == .inputBufferOverflow {
                    // needs more input
                } catch let e as CompressNIOError where e == .corruptData {
                    if !memberStarted && output.readableBytes == 0 {
                        throw ReferenceFileError(.notGzip, "\(name) is not gzip data (bad header)")
                    }
                    throw ReferenceFileError(.notGzip, "\(name): corrupt gzip data")
                }
                if input.readableBytes < before || output.readableBytes > 0 { memberStarted = true }
                if output.readableBytes > 0 {
                    try output.withUnsafeReadableBytes { try consume($0) }
                }
            }
            afterChunk()
        }
        // End of file. Drain and check the member really ended.
        if !ended {
            var empty = ByteBufferAllocator().buffer(capacity: 16)
            while true {
                output.clear()
                do {
                    try decompressor.inflate(from: &empty, to: &output)
                    if output.readableBytes > 0 { try output.withUnsafeReadableBytes { try consume($0) } }
                    break  // Z_STREAM_END
                } catch let e as CompressNIOError where e == .bufferOverflow {
                    try output.withUnsafeReadableBytes { try consume($0) }
                } catch let e as CompressNIOError where e == .inputBufferOverflow {
                    if output.readableBytes > 0 { try output.withUnsafeReadableBytes { try consume($0) } }
                    throw ReferenceFileError(.truncated, "\(name): the gzip stream ends early (file truncated)")
                } catch let e as CompressNIOError where e == .corruptData {
                    throw ReferenceFileError(.notGzip, "\(name): corrupt gzip data")
                }
            }
        }
    }

    private func makeDecompressor(_ name: String) throws -> ZlibDecompressor {
        do { return try ZlibDecompressor(algorithm: .gzip) } catch {
            throw ReferenceFileError(.unreadable, "\(name): cannot start zlib: \(error)")
        }
    }
}
