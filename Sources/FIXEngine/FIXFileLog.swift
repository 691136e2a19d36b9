import FIXProtocol
import FIXSession
import Foundation
import Logging
import NIOConcurrencyHelpers

/// QuickFIX's FileLog through swift-log: per session, `<dir>/<session>.messages.log` (in and out) and
/// `<dir>/<session>.event.log`. Passwords (554) are masked.
public final class FIXFileLog: FIXSessionLog, @unchecked Sendable {
    // @unchecked: `loggers` is guarded by `lock`; Logger values are themselves Sendable.
    let directory: String
    let clock: WallClock
    private let lock = NIOLock()
    private var loggers: [FIXSessionID: (messages: Logger, events: Logger)] = [:]

    public init(directory: String, clock: WallClock = SystemWallClock()) throws {
        self.directory = directory
        self.clock = clock
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private func pair(_ id: FIXSessionID) -> (messages: Logger, events: Logger) {
        lock.withLock {
            if let p = loggers[id] { return p }
            let base = "\(id.beginString)-\(id.senderCompID)-\(id.targetCompID)"
            let dir = directory
            let c = clock
            let m = Logger(label: "fix.messages.\(base)") { _ in FileLogHandler(path: "\(dir)/\(base).messages.log", clock: c) }
            let e = Logger(label: "fix.events.\(base)") { _ in FileLogHandler(path: "\(dir)/\(base).event.log", clock: c) }
            loggers[id] = (m, e)
            return (m, e)
        }
    }

    public func incoming(_ id: FIXSessionID, _ bytes: [UInt8]) {
        pair(id).messages.info("\(FIXSessionLogFormat.readable(bytes))", metadata: ["dir": "in"])
    }

    public func outgoing(_ id: FIXSessionID, _ bytes: [UInt8]) {
        pair(id).messages.info("\(FIXSessionLogFormat.readable(bytes))", metadata: ["dir": "out"])
    }

    public func event(_ id: FIXSessionID, _ text: String) {
        pair(id).events.info("\(text)")
    }
}

/// A swift-log handler that appends one line per record to a file.
public struct FileLogHandler: LogHandler {
    final class Sink: @unchecked Sendable {
        // @unchecked: the file handle is used only under `lock`.
        let lock = NIOLock()
        let handle: FileHandle?
        init(path: String) {
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil)
            }
            handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
        }
        func write(_ s: String) { lock.withLock { try? handle?.write(contentsOf: Data(s.utf8)) } }
    }

    private static let sinks = NIOLockedValueBox<[String: Sink]>([:])
    let sink: Sink
    let clock: WallClock
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init(path: String, clock: WallClock = SystemWallClock()) {
        self.sink = FileLogHandler.sinks.withLockedValue { s in
            if let x = s[path] { return x }
            let x = Sink(path: path)
            s[path] = x
            return x
        }
        self.clock = clock
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let dir = event.metadata?["dir"].map { "\($0) " } ?? ""
        sink.write("\(clock.now()) : \(dir)\(event.message)\n")
    }
}
