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
        appendReadable(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `readable`, appended to a byte buffer.
    public static func appendReadable(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            var fieldStart = true
            while i < n {
                // Mask the value of 554=… wherever a field starts.
                if fieldStart, i + 4 <= n, b[i] == 53, b[i + 1] == 53, b[i + 2] == 52, b[i + 3] == 61 {
                    out.append(contentsOf: maskedPassword)
                    i += 4
                    while i < n && b[i] != 1 { i += 1 }
                    continue
                }
                let c = b[i]
                fieldStart = c == 1
                out.append(fieldStart ? UInt8(ascii: "|") : c)
                i += 1
            }
        }
    }

    private static let maskedPassword = Array("554=***".utf8)
}
