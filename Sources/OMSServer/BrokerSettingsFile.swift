import Foundation
import OMSCore

/// A broker settings problem: the file, the line and the key at fault (vega-oms exits 2).
struct BrokerSettingsError: Error, CustomStringConvertible, Sendable {
    let file: String
    let line: Int
    let key: String?
    let message: String
    var description: String { "\(file):\(line): \(key.map { "\($0): " } ?? "")\(message)" }
}

/// One `[BROKER]` section of the brokers file.
struct BrokerEntry: Sendable {
    enum Kind: String, Sendable, CaseIterable { case upstox, kite, fyers, fixvenue, paper }

    var id: BrokerID
    var kind: Kind
    /// The line of the `[BROKER]` header.
    var line: Int
    /// Every `Key=Value` of the section with its line (already checked against `BrokerSettingsFile.keys`).
    var values: [String: (value: String, line: Int)]

    func string(_ key: String) -> String? { values[key]?.value }
}

/// The brokers vega-oms routes to, in QuickFIX's settings syntax (`sessions/brokers.cfg`):
///
///     [DEFAULT]
///     DefaultBroker=UPSTOX
///     [BROKER]
///     ID=UPSTOX
///     Kind=upstox
///     Backup=ZERODHA
///
/// Every key is checked: an unknown key, a key another kind of broker takes, or a bad value stops the load with
/// file, line and key. Secrets may come from the file, but the environment (`<EnvironmentPrefix>_ACCESS_TOKEN`) is
/// the place for them; they are never printed.
struct BrokerSettingsFile: Sendable {
    var defaultBroker: BrokerID
    var entries: [BrokerEntry]
    var path: String

    /// Keys every broker takes, and the keys of each kind.
    static let commonKeys: Set<String> = ["ID", "Kind", "Backup"]
    static let restKeys: Set<String> = [
        "EnvironmentPrefix", "APIKey", "APISecret", "AccessToken", "OrdersPerSecond", "RequestsPerSecond",
        "RequestTimeout", "ConnectTimeout", "MaxRetriesOn429", "LookupAttempts", "UseStream",
    ]
    static let keys: [BrokerEntry.Kind: Set<String>] = [
        .upstox: commonKeys.union(restKeys).union(["OrderBaseURL", "APIBaseURL", "Slice"]),
        .kite: commonKeys.union(restKeys).union(["BaseURL", "StreamURL"]),
        .fyers: commonKeys.union(restKeys).union(["BaseURL", "StreamURL"]),
        .fixvenue: commonKeys.union([
            "SocketConnectHost", "SocketConnectPort", "SenderCompID", "TargetCompID", "HeartBtInt",
            "ReconnectInterval", "ResetOnLogon", "Account", "SendVegaTags", "AnswerTimeout", "StatusTimeout",
        ]),
        .paper: commonKeys,
    ]
    static var allKeys: Set<String> { keys.values.reduce(into: Set<String>()) { $0.formUnion($1) } }

    /// Only the embedded paper broker: vega-oms without `--brokers`.
    static let paperOnly = BrokerSettingsFile(defaultBroker: .paper, entries: [], path: "<embedded>")

    static func load(path: String) throws -> BrokerSettingsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BrokerSettingsError(file: path, line: 0, key: nil, message: "cannot read the brokers file")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    static func parse(_ text: String, path: String = "<brokers>") throws -> BrokerSettingsFile {
        func fail(_ line: Int, _ key: String?, _ message: String) -> BrokerSettingsError {
            BrokerSettingsError(file: path, line: line, key: key, message: message)
        }
        var defaultBroker: (String, Int)?
        var sections: [(line: Int, values: [String: (value: String, line: Int)])] = []
        var inDefault = false
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw fail(lineNo, nil, "malformed section header '\(line)'") }
                switch line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces).uppercased() {
                case "DEFAULT": inDefault = true
                case "BROKER":
                    inDefault = false
                    sections.append((lineNo, [:]))
                default: throw fail(lineNo, nil, "unknown section \(line) (expected [DEFAULT] or [BROKER])")
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { throw fail(lineNo, nil, "expected Key=Value, found a line without '='") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if inDefault {
                guard key == "DefaultBroker" else { throw fail(lineNo, key, "unknown setting in [DEFAULT] (only DefaultBroker)") }
                defaultBroker = (value, lineNo)
                continue
            }
            guard !sections.isEmpty else { throw fail(lineNo, key, "setting outside a [DEFAULT] or [BROKER] section") }
            guard allKeys.contains(key) else { throw fail(lineNo, key, "unknown setting") }
            guard sections[sections.count - 1].values[key] == nil else { throw fail(lineNo, key, "given twice in one [BROKER]") }
            guard !value.isEmpty else { throw fail(lineNo, key, "empty value") }
            sections[sections.count - 1].values[key] = (value, lineNo)
        }
        var entries: [BrokerEntry] = []
        for s in sections {
            guard let kindText = s.values["Kind"] else {
                throw fail(s.line, "Kind", "missing (one of \(BrokerEntry.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let kind = BrokerEntry.Kind(rawValue: kindText.value.lowercased()) else {
                throw fail(kindText.line, "Kind", "'\(kindText.value)' is not one of \(BrokerEntry.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let idText = s.values["ID"] else { throw fail(s.line, "ID", "missing (e.g. ID=UPSTOX)") }
            guard idText.value.count <= 32, idText.value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw fail(idText.line, "ID", "must be 1…32 letters, digits, '_' or '-'")
            }
            let id = BrokerID(idText.value)
            if kind == .paper, id != .paper { throw fail(idText.line, "ID", "the paper broker's id is PAPER") }
            if kind != .paper, id == .paper { throw fail(idText.line, "ID", "PAPER is the embedded paper broker's id") }
            let allowed = keys[kind] ?? []
            for (k, v) in s.values where !allowed.contains(k) {
                throw fail(v.line, k, "not a setting of a \(kind.rawValue) broker")
            }
            guard !entries.contains(where: { $0.id == id }) else { throw fail(idText.line, "ID", "duplicate broker \(id)") }
            let entry = BrokerEntry(id: id, kind: kind, line: s.line, values: s.values)
            try validate(entry, fail: fail)
            entries.append(entry)
        }
        var known = Set(entries.map(\.id))
        known.insert(.paper)
        for e in entries {
            guard let b = e.values["Backup"] else { continue }
            let backup = BrokerID(b.value)
            guard known.contains(backup) else { throw fail(b.line, "Backup", "no broker \(backup) in this file (or PAPER)") }
            guard backup != e.id else { throw fail(b.line, "Backup", "a broker cannot be its own backup") }
        }
        var chosen = BrokerID.paper
        if let d = defaultBroker {
            chosen = BrokerID(d.0)
            guard known.contains(chosen) else { throw fail(d.1, "DefaultBroker", "no broker \(chosen) in this file (or PAPER)") }
        }
        return BrokerSettingsFile(defaultBroker: chosen, entries: entries, path: path)
    }

    /// Value checks per key (numbers, URLs, Y/N, required keys of the kind).
    private static func validate(_ e: BrokerEntry, fail: (Int, String?, String) -> BrokerSettingsError) throws {
        for (k, v) in e.values {
            switch k {
            case "OrdersPerSecond", "RequestsPerSecond":
                guard let n = Int(v.value), (1...100).contains(n) else { throw fail(v.line, k, "must be 1…100") }
            case "RequestTimeout", "ConnectTimeout", "AnswerTimeout", "StatusTimeout":
                guard let n = Int(v.value), (1...120).contains(n) else { throw fail(v.line, k, "must be 1…120 (seconds)") }
            case "MaxRetriesOn429", "LookupAttempts":
                guard let n = Int(v.value), (0...20).contains(n) else { throw fail(v.line, k, "must be 0…20") }
            case "HeartBtInt", "ReconnectInterval":
                guard let n = Int(v.value), (1...3600).contains(n) else { throw fail(v.line, k, "must be 1…3600 (seconds)") }
            case "SocketConnectPort":
                guard let n = Int(v.value), (1...65535).contains(n) else { throw fail(v.line, k, "must be 1…65535") }
            case "UseStream", "Slice", "ResetOnLogon", "SendVegaTags":
                guard v.value == "Y" || v.value == "N" else { throw fail(v.line, k, "must be Y or N") }
            case "OrderBaseURL", "APIBaseURL", "BaseURL":
                guard let u = URL(string: v.value), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                    throw fail(v.line, k, "must be an http(s) URL")
                }
            case "StreamURL":
                guard let u = URL(string: v.value), u.scheme == "ws" || u.scheme == "wss", u.host != nil else {
                    throw fail(v.line, k, "must be a ws(s) URL")
                }
            case "EnvironmentPrefix":
                guard v.value.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) else {
                    throw fail(v.line, k, "must be upper-case letters, digits and '_' (e.g. VEGA_UPSTOX)")
                }
            default: break
            }
        }
        if e.kind == .fixvenue {
            for k in ["SocketConnectHost", "SocketConnectPort", "SenderCompID", "TargetCompID"] where e.values[k] == nil {
                throw fail(e.line, k, "missing (a fixvenue broker needs SocketConnectHost, SocketConnectPort, SenderCompID, TargetCompID)")
            }
        }
    }
}
