import Foundation
import OMSCore

/// A parsed JSON document, with the few accessors the broker dialects need. Numbers keep their value as
/// a `Double` (prices are rounded to Vega's 1e-4 rupee units on the way in).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses bytes; nil when they are not JSON.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    public static func parse(_ text: String) -> JSONValue? { parse(Array(text.utf8)) }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var string: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        default: return nil
        }
    }

    /// A non-empty string (brokers send `""` for absent ids).
    public var text: String? { string.flatMap { $0.isEmpty ? nil : $0 } }

    public var int: Int64? {
        switch self {
        case .number(let d): return Int64(exactly: d.rounded())
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    public var price: Price? {
        switch self {
        case .number(let d): return Price(exactly: d)
        case .string(let s): return Price(s)
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool { self == .null }
}

extension JSONValue: Decodable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}

/// A JSON object written in a fixed key order, with prices as exact decimals (`1402.5`, never `1402.4999`).
public struct JSONObjectWriter: Sendable {
    private var parts: [String] = []
    public init() {}

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        parts.append("\(Self.quote(key)):\(Self.quote(value))")
    }

    public mutating func add(_ key: String, _ value: Int64?) {
        guard let value else { return }
        parts.append("\(Self.quote(key)):\(value)")
    }

    public mutating func add(_ key: String, _ value: Price?) {
        guard let value else { return }
        parts.append("\(Self.quote(key)):\(value.description)")
    }

    public mutating func add(_ key: String, _ value: Bool?) {
        guard let value else { return }
        parts.append("\(Self.quote(key)):\(value)")
    }

    public mutating func addRaw(_ key: String, json: String) { parts.append("\(Self.quote(key)):\(json)") }

    public var text: String { "{" + parts.joined(separator: ",") + "}" }
    public var bytes: [UInt8] { Array(text.utf8) }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// An `application/x-www-form-urlencoded` body (Kite Connect), fields in insertion order.
public struct FormWriter: Sendable {
    private var pairs: [(String, String)] = []
    public init() {}

    public mutating func add(_ key: String, _ value: String?) {
        guard let value else { return }
        pairs.append((key, value))
    }

    public var text: String { pairs.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&") }
    public var bytes: [UInt8] { Array(text.utf8) }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    public static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if unreserved.contains(b) { out.unicodeScalars.append(UnicodeScalar(b)) }
            else { out += String(format: "%%%02X", b) }
        }
        return out
    }
}
