import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers

/// A `FIXConnection` that records what the session sends, for session tests without sockets.
public final class RecordingConnection: FIXConnection {
    private let box = NIOLockedValueBox<(sent: [[UInt8]], closed: Bool)>(([], false))
    public let remoteAddress: String?

    public init(remoteAddress: String? = "127.0.0.1") { self.remoteAddress = remoteAddress }

    public func send(_ bytes: [UInt8], durableAfter ticket: FIXStoreTicket) {
        box.withLockedValue { $0.sent.append(bytes) }
    }

    public func close() { box.withLockedValue { $0.closed = true } }

    public var isClosed: Bool { box.withLockedValue { $0.closed } }

    /// Everything sent so far, parsed.
    public var sent: [FIXMessage] {
        box.withLockedValue { $0.sent }.compactMap { try? FIXMessageParser.parse($0, dictionary: nil) }
    }

    /// Takes and clears what was sent.
    public func drain() -> [FIXMessage] {
        let raw = box.withLockedValue { b -> [[UInt8]] in
            let r = b.sent
            b.sent.removeAll()
            return r
        }
        return raw.compactMap { try? FIXMessageParser.parse($0, dictionary: nil) }
    }
}

/// Collects session log events, for tests that check what was logged.
public final class RecordingSessionLog: FIXSessionLog {
    private let box = NIOLockedValueBox<[String]>([])
    public init() {}
    public func incoming(_ id: FIXSessionID, _ bytes: [UInt8]) { box.withLockedValue { $0.append("in " + FIXSessionLogFormat.readable(bytes)) } }
    public func outgoing(_ id: FIXSessionID, _ bytes: [UInt8]) { box.withLockedValue { $0.append("out " + FIXSessionLogFormat.readable(bytes)) } }
    public func event(_ id: FIXSessionID, _ text: String) { box.withLockedValue { $0.append("event " + text) } }
    public var lines: [String] { box.withLockedValue { $0 } }
}
