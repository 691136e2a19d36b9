/// The kind of a JSON value.
enum JSONKind: UInt8, Sendable {
    case string, number, `true`, `false`, null, object, array

    var name: String {
        switch self {
        case .string: "a string"
        case .number: "a number"
        case .true, .false: "a boolean"
        case .null: "null"
        case .object: "an object"
        case .array: "an array"
        }
    }
}

/// One member of a JSON object, as byte ranges into the element (no allocation while parsing).
struct JSONField {
    var keyStart: Int32
    var keyEnd: Int32
    var kind: JSONKind
    /// For strings: the contents between the quotes; otherwise the value's text.
    var valueStart: Int32
    var valueEnd: Int32
    var valueHasEscape: Bool
}

/// A strict JSON parser for one array element. Syntax errors throw `ReferenceFileError(.notJSON)`: a file
/// with broken JSON is refused whole; a well-formed record with wrong contents is only a rejected record.
struct JSONElementParser {
    static let maxDepth = 64

    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

    /// The largest record parsed.
    static let maxRecordBytes = 16 << 20

    /// Parses `bytes` as one JSON value; if it is an object, `fields` receives its members in order.
    static func parse(_ bytes: UnsafeRawBufferPointer, index: Int, fields: inout [JSONField]) throws -> JSONKind {
        fields.removeAll(keepingCapacity: true)
        // Positions are kept as Int32; an instrument record is a few hundred bytes. A record past the bound is
        // a broken file (it trapped on a record past 2 GiB).
        guard bytes.count <= maxRecordBytes else {
            throw ReferenceFileError(.notJSON, "not JSON: record \(index) is \(bytes.count) bytes, over the \(maxRecordBytes >> 20) MiB a record may have")
        }
        var p = JSONElementParser(bytes.bindMemory(to: UInt8.self))
        do {
            p.skipSpace()
            let kind: JSONKind
            if p.i < p.b.count && p.b[p.i] == UInt8(ascii: "{") {
                kind = .object
                try p.object(depth: 1, fields: &fields)
            } else {
                kind = try p.value(depth: 1)
            }
            p.skipSpace()
            guard p.i == p.b.count else { throw p.error("unexpected data after the value") }
            return kind
        } catch let e as SyntaxError {
            throw ReferenceFileError(.notJSON, "not JSON: record \(index): \(e.message) at byte \(e.position) of the record")
        }
    }

    private struct SyntaxError: Error {
        var message: String
        var position: Int
    }

    private func error(_ m: String) -> SyntaxError { SyntaxError(message: m, position: i) }

    private mutating func skipSpace() {
        while i < b.count, JSONArrayScanner.isSpace(b[i]) { i += 1 }
    }

    private mutating func object(depth: Int, fields: inout [JSONField]) throws {
        i += 1  // {
        skipSpace()
        if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let (ks, ke, _) = try string()
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw error("expected `:`") }
            i += 1
            skipSpace()
            let vs = i
            var field = JSONField(keyStart: Int32(ks), keyEnd: Int32(ke), kind: .null, valueStart: Int32(vs),
                                  valueEnd: 0, valueHasEscape: false)
            if i < b.count && b[i] == UInt8(ascii: "\"") {
                let (s, e, esc) = try string()
                field.kind = .string
                field.valueStart = Int32(s)
                field.valueEnd = Int32(e)
                field.valueHasEscape = esc
            } else {
                field.kind = try value(depth: depth + 1)
                field.valueEnd = Int32(i)
            }
            fields.append(field)
            skipSpace()
            guard i < b.count else { throw error("object not closed") }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return }
            throw error("expected `,` or `}`")
        }
    }

    private mutating func value(depth: Int) throws -> JSONKind {
        guard depth <= Self.maxDepth else { throw error("nested too deeply") }
        guard i < b.count else { throw error("value expected") }
        switch b[i] {
        case UInt8(ascii: "{"):
            var ignored: [JSONField] = []
            try object(depth: depth, fields: &ignored)
            return .object
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; return .array }
            while true {
                skipSpace()
                _ = try value(depth: depth + 1)
                skipSpace()
                guard i < b.count else { throw error("array not closed") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array }
                throw error("expected `,` or `]`")
            }
        case UInt8(ascii: "\""):
            _ = try string()
            return .string
        case UInt8(ascii: "t"): try literal("true"); return .true
        case UInt8(ascii: "f"): try literal("false"); return .false
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            try number()
            return .number
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { throw error("bad literal") }
        for k in 0..<n where b[i + k] != word.utf8Start[k] { throw error("bad literal") }
        i += n
    }

    private mutating func digits() -> Int {
        let s = i
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        return i - s
    }

    private mutating func number() throws {
        if i < b.count && b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw error("unexpected character") }
        if b[i] == 0x30 { i += 1 } else { _ = digits() }
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw error("digits expected after `.`") }
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() > 0 else { throw error("digits expected in exponent") }
        }
    }

    /// Returns the range of the contents (without quotes) and whether it holds escapes.
    private mutating func string() throws -> (Int, Int, Bool) {
        i += 1
        let s = i
        var esc = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let e = i
                i += 1
                return (s, e, esc)
            }
            if c == UInt8(ascii: "\\") {
                esc = true
                i += 1
                guard i < b.count else { break }
                switch b[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    guard i + 4 < b.count else { throw error("bad \\u escape") }
                    for k in 1...4 where Self.hexValue(b[i + k]) == nil { throw error("bad \\u escape") }
                    i += 5
                default:
                    throw error("bad escape")
                }
                continue
            }
            if c < 0x20 { throw error("control character in a string") }
            i += 1
        }
        throw error("string not closed")
    }

    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        default: nil
        }
    }

    /// Decodes string contents (already validated), resolving escapes.
    static func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hasEscape: Bool) -> String {
        if !hasEscape {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var i = start
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 { v = v << 4 | (hexValue(bytes[at + k]) ?? 0) }
            return v
        }
        while i < end {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\") else { out.append(c); i += 1; continue }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= end, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u") {
                    let low = hex4(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
