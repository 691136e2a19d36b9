import FIXProtocol
import Foundation

/// Builds raw FIX from readable text, the way the acceptance runner does: `|` stands for SOH,
/// `<TIME>` / `<TIME+n>` / `<TIME-n>` for a UTC timestamp, and BodyLength and CheckSum are added
/// when the text has none.
public enum FIXTestMessage {
    public static func raw(_ text: String, now: FIXTimestamp = FIXTimestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))) -> [UInt8] {
        var t = text
        while let r = t.range(of: #"<TIME([+-]\d+)?>"#, options: .regularExpression) {
            let token = t[r]
            var shift = 0.0
            if token.count > 6 {
                let num = token.dropFirst(5).dropLast()
                shift = Double(num) ?? 0
            }
            t.replaceSubrange(r, with: String(decoding: now.adding(seconds: shift).formatted(milliseconds: false), as: UTF8.self))
        }
        var bytes = Array(t.utf8).map { $0 == UInt8(ascii: "|") ? UInt8(1) : $0 }
        guard bytes.starts(with: Array("8=".utf8)), let firstSOH = bytes.firstIndex(of: 1) else { return bytes }
        let head = Array(bytes[...firstSOH])
        var rest = Array(bytes[(firstSOH + 1)...])
        var trailer: [UInt8]? = nil
        let text10 = Array("\u{1}10=".utf8)
        if let r = find(text10, in: [1] + rest) {
            trailer = Array(rest[r...])
            rest = Array(rest[..<r])
        }
        if !rest.starts(with: Array("9=".utf8)) && find(Array("\u{1}9=".utf8), in: head + rest) == nil {
            rest = Array("9=\(rest.count)\u{1}".utf8) + rest
        }
        bytes = head + rest
        if let tr = trailer {
            bytes += tr
        } else {
            let sum = bytes.reduce(0) { $0 + Int($1) } % 256
            bytes += Array(String(format: "10=%03d\u{1}", sum).utf8)
        }
        return bytes
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where Array(hay[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    /// The message's text with SOH shown as `|`.
    public static func readable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }
}
