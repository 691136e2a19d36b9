import FIXProtocol
import Logging

/// QuickFIX's Log: every message in, every message out, and session events.
public protocol FIXSessionLog: Sendable {
    func incoming(_ id: FIXSessionID, _ bytes: [UInt8])
    func outgoing(_ id: FIXSessionID, _ bytes: [UInt8])
    func event(_ id: FIXSessionID, _ text: String)
}

/// Sends the session log to a swift-log `Logger` (messages at trace, events at info).
public struct LoggerFIXSessionLog: FIXSessionLog {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func incoming(_ id: FIXSessionID, _ bytes: [UInt8]) {
        logger.trace("in \(FIXSessionLogFormat.readable(bytes))", metadata: ["session": "\(id)"])
    }

    public func outgoing(_ id: FIXSessionID, _ bytes: [UInt8]) {
        logger.trace("out \(FIXSessionLogFormat.readable(bytes))", metadata: ["session": "\(id)"])
    }

    public func event(_ id: FIXSessionID, _ text: String) {
        logger.info("\(text)", metadata: ["session": "\(id)"])
    }
}

public enum FIXSessionLogFormat {
    /// SOH shown as `|`; Password (554) masked so that it never reaches a log.
    public static func readable(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            // Mask the value of 554=… wherever a field starts.
            if (i == 0 || bytes[i - 1] == 1), i + 4 <= bytes.count, bytes[i] == 53, bytes[i + 1] == 53,
               bytes[i + 2] == 52, bytes[i + 3] == 61 {
                out.append(contentsOf: Array("554=***".utf8))
                i += 4
                while i < bytes.count && bytes[i] != 1 { i += 1 }
                continue
            }
            out.append(bytes[i] == 1 ? UInt8(ascii: "|") : bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
