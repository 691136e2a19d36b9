import FIXProtocol
import FIXSession
import Foundation
import Logging
import NIOConcurrencyHelpers

/// QuickFIX's FileLog: per session, `<dir>/<session>.messages.log` (in and out) and
/// `<dir>/<session>.event.log` (through swift-log). Passwords (554) are masked. Message lines are formatted
/// straight into a byte buffer (no String per message) and written in blocks (at 64 KB, or 20 ms after the
/// first unwritten line, and on `flush()`), so that a busy session does not make a system call per message;
/// event lines are written at once. The log is for reading: the durable record of what was sent is the
/// message store.
public final class FIXFileLog: FIXSessionLog, @unchecked Sendable {
    // @unchecked: `loggers` is guarded by `lock`; sinks and Logger values are themselves thread-safe.
    let directory: String
    let clock: WallClock
    private let lock = NIOLock()
    private var loggers: [FIXSessionID: (messages: FileLogHandler.Sink, events: Logger)] = [:]

    public init(directory: String, clock: WallClock = SystemWallClock()) throws {
        self.directory = directory
        self.clock = clock
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private func pair(_ id: FIXSessionID) -> (messages: FileLogHandler.Sink, events: Logger) {
        lock.withLock {
            if let p = loggers[id] { return p }
            let base = "\(id.beginString)-\(id.senderCompID)-\(id.targetCompID)"
            let dir = directory
            let c = clock
            let m = FileLogHandler.sink(path: "\(dir)/\(base).messages.log", buffered: true)
            let e = Logger(label: "fix.events.\(base)") { _ in FileLogHandler(path: "\(dir)/\(base).event.log", clock: c) }
            loggers[id] = (m, e)
            return (m, e)
        }
    }

    private static let inPrefix = Array(" : in ".utf8)
    private static let outPrefix = Array(" : out ".utf8)

    public func incoming(_ id: FIXSessionID, _ bytes: [UInt8]) {
        let now = clock.now()
        pair(id).messages.append { buffer in Self.line(now, Self.inPrefix, bytes, into: &buffer) }
    }

    public func outgoing(_ id: FIXSessionID, _ bytes: [UInt8]) {
        let now = clock.now()
        pair(id).messages.append { buffer in Self.line(now, Self.outPrefix, bytes, into: &buffer) }
    }

    /// `<time> : in|out <message with | for SOH and 554 masked>\n`
    static func line(_ time: FIXTimestamp, _ prefix: [UInt8], _ bytes: [UInt8], into out: inout [UInt8]) {
        time.append(to: &out)
        out.append(contentsOf: prefix)
        FIXSessionLogFormat.appendReadable(bytes, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    public func event(_ id: FIXSessionID, _ text: String) {
        pair(id).events.info("\(text)")
    }

    /// Writes every buffered line of every log file (call before reading the files, and at shutdown).
    public func flush() { FileLogHandler.flushAll() }
}

/// A swift-log handler that appends one line per record to a file.
public struct FileLogHandler: LogHandler {
    final class Sink: @unchecked Sendable {
        // @unchecked: the file handle, `buffer` and `scheduled` are used only under `lock`.
        static let blockSize = 64 << 10
        static let flushDelay = DispatchTimeInterval.milliseconds(20)
        let lock = NIOLock()
        let handle: FileHandle?
        let buffered: Bool
        var buffer: [UInt8] = []
        var scheduled = false

        init(path: String, buffered: Bool) {
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            self.buffered = buffered
        }

        func write(_ s: String) { append { $0.append(contentsOf: s.utf8) } }

        /// Adds to the buffer under the lock (written at once when unbuffered or at a block's size).
        func append(_ body: (inout [UInt8]) -> Void) {
            let schedule: Bool = lock.withLock {
                body(&buffer)
                if !buffered || buffer.count >= Self.blockSize {
                    writeBuffer()
                    return false
                }
                defer { scheduled = true }
                return !scheduled
            }
            if schedule { DispatchQueue.global().asyncAfter(deadline: .now() + Self.flushDelay) { self.flush() } }
        }

        func flush() { lock.withLock { writeBuffer() } }

        /// Under `lock`.
        private func writeBuffer() {
            scheduled = false
            guard !buffer.isEmpty else { return }
            try? handle?.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    private static let sinks = NIOLockedValueBox<[String: Sink]>([:])
    let sink: Sink
    let clock: WallClock
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    /// - Parameter buffered: lines are written in blocks (see `FIXFileLog`) rather than one by one.
    public init(path: String, clock: WallClock = SystemWallClock(), buffered: Bool = false) {
        self.sink = Self.sink(path: path, buffered: buffered)
        self.clock = clock
    }

    /// The one sink of a file (every handler of a path shares it).
    static func sink(path: String, buffered: Bool) -> Sink {
        sinks.withLockedValue { s in
            if let x = s[path] { return x }
            let x = Sink(path: path, buffered: buffered)
            s[path] = x
            return x
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the buffered lines of every file.
    public static func flushAll() {
        for sink in sinks.withLockedValue({ Array($0.values) }) { sink.flush() }
    }

    public func log(event: LogEvent) {
        let dir = event.metadata?["dir"].map { "\($0) " } ?? ""
        sink.write("\(clock.now()) : \(dir)\(event.message)\n")
    }
}
