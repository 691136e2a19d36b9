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

    /// `readable`, appended to a byte buffer. Fast path: copy, then SOH → `|` in place; a message with a
    /// Password field takes the masking path.
    public static func appendReadable(_ bytes: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: bytes)
        let hasPassword = out.withUnsafeMutableBufferPointer { p -> Bool in
            var found = false
            var i = start
            let n = p.count
            while i < n {
                if p[i] == 1 {
                    p[i] = UInt8(ascii: "|")
                    if i + 4 < n, p[i + 1] == 53, p[i + 2] == 53, p[i + 3] == 52, p[i + 4] == 61 { found = true }
                }
                i += 1
            }
            return found
        }
        guard hasPassword || bytes.starts(with: passwordPrefix) else { return }
        out.removeSubrange(start...)
        appendMasked(bytes, to: &out)
    }

    private static func appendMasked(_ bytes: [UInt8], to out: inout [UInt8]) {
        var i = 0
        while i < bytes.count {
            // Mask the value of 554=… wherever a field starts.
            if (i == 0 || bytes[i - 1] == 1), i + 4 <= bytes.count, bytes[i] == 53, bytes[i + 1] == 53,
               bytes[i + 2] == 52, bytes[i + 3] == 61 {
                out.append(contentsOf: maskedPassword)
                i += 4
                while i < bytes.count && bytes[i] != 1 { i += 1 }
                continue
            }
            out.append(bytes[i] == 1 ? UInt8(ascii: "|") : bytes[i])
            i += 1
        }
    }

    private static let passwordPrefix = Array("554=".utf8)
    private static let maskedPassword = Array("554=***".utf8)
}
