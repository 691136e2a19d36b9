/// One field of a parsed message: offsets into the message's bytes, no copy.
public struct FIXField: Sendable, Equatable {
    /// The tag number (QuickFIX's `atoi` semantics: a sign and leading digits; anything else reads as 0).
    public var tag: Int
    /// Offset of the first byte of the tag.
    public var start: Int32
    /// Offset of the first byte of the value.
    public var valueStart: Int32
    /// Offset one past the SOH that ends the field.
    public var end: Int32
    /// Which part of the message the field sits in.
    public var section: FIXSection
    /// 0 for a top-level field, 1 and more inside repeating groups.
    public var depth: UInt8

    @inlinable public var valueCount: Int { Int(end - valueStart) - 1 }
}

public enum FIXSection: UInt8, Sendable {
    case header, body, trailer
}

/// A received FIX message: the raw frame and the position of every field in it.
/// Values stay bytes until read (`string(_:)`, `int(_:)`, `value(_:)`).
public struct FIXMessage: Sendable {
    public let bytes: [UInt8]
    public internal(set) var fields: [FIXField]
    /// The first header field seen after the body, or body field after the trailer (QuickFIX's `m_tag`).
    public internal(set) var outOfOrderTag: Int?
    /// Repeating groups found while parsing, with their declared and counted entries.
    public internal(set) var groups: [FIXGroupCount]
    /// MsgType (35), read once at parse time.
    public let msgType: String

    init(bytes: [UInt8], fields: [FIXField], outOfOrderTag: Int?, groups: [FIXGroupCount], msgType: String) {
        self.bytes = bytes
        self.fields = fields
        self.outOfOrderTag = outOfOrderTag
        self.groups = groups
        self.msgType = msgType
    }

    /// Index of the first field with this tag, if any.
    @inlinable
    public func index(of tag: Int) -> Int? {
        for i in fields.indices where fields[i].tag == tag { return i }
        return nil
    }

    @inlinable
    public func has(_ tag: Int) -> Bool { index(of: tag) != nil }

    /// The raw value bytes of the first field with this tag.
    @inlinable
    public func value(_ tag: Int) -> ArraySlice<UInt8>? {
        guard let i = index(of: tag) else { return nil }
        return value(at: i)
    }

    @inlinable
    public func value(at index: Int) -> ArraySlice<UInt8> {
        let f = fields[index]
        return bytes[Int(f.valueStart)..<Int(f.end - 1)]
    }

    public func string(_ tag: Int) -> String? {
        guard let v = value(tag) else { return nil }
        return String(decoding: v, as: UTF8.self)
    }

    public func string(at index: Int) -> String {
        String(decoding: value(at: index), as: UTF8.self)
    }

    /// The value as a whole number, or nil when absent or not a number.
    public func int(_ tag: Int) -> Int? {
        guard let v = value(tag) else { return nil }
        return FIXValueParser.int(v)
    }

    /// True when the field is present with value `Y`.
    public func bool(_ tag: Int) -> Bool {
        guard let v = value(tag) else { return false }
        return v.count == 1 && v.first == UInt8(ascii: "Y")
    }

    /// The bytes of one field including tag and SOH.
    public func fieldBytes(at index: Int) -> ArraySlice<UInt8> {
        let f = fields[index]
        return bytes[Int(f.start)..<Int(f.end)]
    }

    public var isAdmin: Bool { FIXMsgType.isAdmin(msgType) }

    /// The message with SOH shown as `|`, for logs and errors.
    public var description: String {
        String(decoding: bytes.map { $0 == 1 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }
}

/// A repeating group as parsed: the NumInGroup field and the entries actually present.
public struct FIXGroupCount: Sendable, Equatable {
    public var countTag: Int
    public var declared: Int?
    public var entries: Int
    /// Index in `fields` of the NumInGroup field.
    public var fieldIndex: Int
    /// One past the index of the last field belonging to the group.
    public var endIndex: Int
    public var depth: UInt8
}

/// Number parsing on raw bytes.
public enum FIXValueParser {
    @inlinable
    public static func int<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var it = bytes.makeIterator()
        guard var c = it.next() else { return nil }
        var negative = false
        if c == UInt8(ascii: "-") {
            negative = true
            guard let n = it.next() else { return nil }
            c = n
        }
        var value = 0
        while true {
            guard c >= 48, c <= 57 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c - 48))
            if o1 || o2 { return nil }
            value = s
            guard let n = it.next() else { break }
            c = n
        }
        return negative ? -value : value
    }

    /// C's `atoi`: optional sign and leading digits, 0 when there are none.
    @inlinable
    public static func atoi<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        var negative = false
        var value = 0
        var first = true
        for c in bytes {
            if first && (c == UInt8(ascii: "-") || c == UInt8(ascii: "+")) {
                negative = c == UInt8(ascii: "-")
                first = false
                continue
            }
            first = false
            guard c >= 48, c <= 57 else { break }
            value = value &* 10 &+ Int(c - 48)
            if value > 1_000_000_000 { break }
        }
        return negative ? -value : value
    }
}
