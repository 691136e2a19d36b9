import FIXProtocol
import Foundation

/// A settings problem: the file, the line and the key at fault.
public struct FIXSettingsError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let key: String?
    public let message: String
    public var description: String {
        "\(file):\(line): \(key.map { "\($0): " } ?? "")\(message)"
    }
}

/// QuickFIX's settings-file syntax: `[DEFAULT]` and `[SESSION]` sections of `Key=Value` lines, `#` comments.
/// Every key is checked: an unknown key or a bad value stops the load with file, line and key.
public struct FIXSettingsFile: Sendable {
    public var defaults: [String: String]
    public var sessions: [FIXSessionSettings]
    public let path: String

    public static let knownKeys: Set<String> = [
        "BeginString", "SenderCompID", "TargetCompID", "ConnectionType", "SocketAcceptPort", "SocketAcceptHost",
        "SocketConnectHost", "SocketConnectPort", "HeartBtInt", "ReconnectInterval", "StartTime", "EndTime",
        "TimeZone", "StartDay", "EndDay", "Weekdays", "NonStopSession", "ResetOnLogon", "ResetOnLogout",
        "ResetOnDisconnect", "RefreshOnLogon", "DataDictionary", "UseDataDictionary", "ValidateFieldsOutOfOrder",
        "ValidateFieldsHaveValues", "ValidateUserDefinedFields", "AllowUnknownMsgFields",
        "ValidateLengthAndChecksum", "CheckLatency", "MaxLatency", "CheckCompID", "LogonTimeout", "LogoutTimeout",
        "MillisecondsInTimeStamp", "PersistMessages", "SendRedundantResendRequests", "MaxMessageSize", "MaxQueuedMessages",
        "FileLogPath", "FileStorePath", "Username", "PasswordHash", "AllowedRemoteAddresses", "DropCopy",
        "DropCopyClients", "DefaultBroker",
    ]

    public static func load(path: String) throws -> FIXSettingsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FIXSettingsError(file: path, line: 0, key: nil, message: "cannot read settings file")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String = "<settings>") throws -> FIXSettingsFile {
        var defaults: [String: (String, Int)] = [:]
        var sections: [[String: (String, Int)]] = []
        var sectionLines: [Int] = []
        var current: String? = nil
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw FIXSettingsError(file: path, line: lineNo, key: nil, message: "malformed section header '\(line)'")
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces).uppercased()
                switch name {
                case "DEFAULT": current = "DEFAULT"
                case "SESSION":
                    current = "SESSION"
                    sections.append([:])
                    sectionLines.append(lineNo)
                default:
                    throw FIXSettingsError(file: path, line: lineNo, key: nil, message: "unknown section [\(name)]")
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw FIXSettingsError(file: path, line: lineNo, key: nil, message: "expected Key=Value, found '\(line)'")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            guard knownKeys.contains(key) else {
                throw FIXSettingsError(file: path, line: lineNo, key: key, message: "unknown setting")
            }
            switch current {
            case "DEFAULT": defaults[key] = (value, lineNo)
            case "SESSION": sections[sections.count - 1][key] = (value, lineNo)
            default:
                throw FIXSettingsError(file: path, line: lineNo, key: key, message: "setting outside a [DEFAULT] or [SESSION] section")
            }
        }
        var sessions: [FIXSessionSettings] = []
        var seen: Set<FIXSessionID> = []
        for (i, section) in sections.enumerated() {
            var merged = defaults
            for (k, v) in section { merged[k] = v }
            let s = try build(merged, path: path, sectionLine: sectionLines[i])
            guard seen.insert(s.id).inserted else {
                throw FIXSettingsError(file: path, line: sectionLines[i], key: nil, message: "duplicate session \(s.id)")
            }
            sessions.append(s)
        }
        return FIXSettingsFile(defaults: defaults.mapValues { $0.0 }, sessions: sessions, path: path)
    }

    static func build(_ m: [String: (String, Int)], path: String, sectionLine: Int) throws -> FIXSessionSettings {
        func fail(_ key: String, _ msg: String) -> FIXSettingsError {
            FIXSettingsError(file: path, line: m[key]?.1 ?? sectionLine, key: key, message: msg)
        }
        func required(_ key: String) throws -> String {
            guard let v = m[key]?.0, !v.isEmpty else { throw fail(key, "required setting missing") }
            return v
        }
        func bool(_ key: String, _ def: Bool) throws -> Bool {
            guard let v = m[key]?.0 else { return def }
            switch v.uppercased() {
            case "Y", "YES", "TRUE": return true
            case "N", "NO", "FALSE": return false
            default: throw fail(key, "expected Y or N, found '\(v)'")
            }
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let v = m[key]?.0 else { return nil }
            guard let i = Int(v), range.contains(i) else { throw fail(key, "expected a whole number in \(range), found '\(v)'") }
            return i
        }
        func double(_ key: String) throws -> Double? {
            guard let v = m[key]?.0 else { return nil }
            guard let d = Double(v), d >= 0 else { throw fail(key, "expected a non-negative number, found '\(v)'") }
            return d
        }
        func time(_ key: String) throws -> Int? {
            guard let v = m[key]?.0 else { return nil }
            let parts = v.split(separator: ":").map { Int($0) }
            guard parts.count == 3, let h = parts[0], let mi = parts[1], let s = parts[2], (0..<24).contains(h),
                  (0..<60).contains(mi), (0..<60).contains(s) else { throw fail(key, "expected HH:MM:SS, found '\(v)'") }
            return h * 3600 + mi * 60 + s
        }
        func day(_ key: String) throws -> Int? {
            guard let v = m[key]?.0 else { return nil }
            guard let d = weekday(v) else { throw fail(key, "expected a day name (Sunday … Saturday), found '\(v)'") }
            return d
        }

        let begin = try required("BeginString")
        guard begin.hasPrefix("FIX.") || begin.hasPrefix("FIXT.") else { throw fail("BeginString", "unsupported '\(begin)'") }
        var s = FIXSessionSettings(id: FIXSessionID(beginString: begin, senderCompID: try required("SenderCompID"),
                                                    targetCompID: try required("TargetCompID")))
        let ct = try required("ConnectionType").lowercased()
        guard let type = FIXSessionSettings.ConnectionType(rawValue: ct) else {
            throw fail("ConnectionType", "expected acceptor or initiator, found '\(ct)'")
        }
        s.connectionType = type
        s.socketAcceptPort = try int("SocketAcceptPort", 0...65535)
        s.socketAcceptHost = m["SocketAcceptHost"]?.0
        s.socketConnectHost = m["SocketConnectHost"]?.0
        s.socketConnectPort = try int("SocketConnectPort", 1...65535)
        if type == .acceptor, s.socketAcceptPort == nil { throw fail("SocketAcceptPort", "required for an acceptor") }
        if type == .initiator {
            if s.socketConnectHost == nil { throw fail("SocketConnectHost", "required for an initiator") }
            if s.socketConnectPort == nil { throw fail("SocketConnectPort", "required for an initiator") }
        }
        if let hb = try int("HeartBtInt", 0...3600) { s.heartBtInt = hb } else if type == .initiator {
            throw fail("HeartBtInt", "required for an initiator")
        }
        if let r = try int("ReconnectInterval", 1...86_400) { s.reconnectInterval = r }
        s.resetOnLogon = try bool("ResetOnLogon", false)
        s.resetOnLogout = try bool("ResetOnLogout", false)
        s.resetOnDisconnect = try bool("ResetOnDisconnect", false)
        s.refreshOnLogon = try bool("RefreshOnLogon", false)
        s.useDataDictionary = try bool("UseDataDictionary", true)
        s.dataDictionaryPath = m["DataDictionary"]?.0
        s.validation.validateFieldsOutOfOrder = try bool("ValidateFieldsOutOfOrder", true)
        s.validation.validateFieldsHaveValues = try bool("ValidateFieldsHaveValues", true)
        s.validation.validateUserDefinedFields = try bool("ValidateUserDefinedFields", true)
        s.validation.allowUnknownMessageFields = try bool("AllowUnknownMsgFields", false)
        s.validateLengthAndChecksum = try bool("ValidateLengthAndChecksum", true)
        s.checkLatency = try bool("CheckLatency", true)
        if let ml = try double("MaxLatency") { s.maxLatency = ml }
        s.checkCompID = try bool("CheckCompID", true)
        if let t = try double("LogonTimeout") { s.logonTimeout = t }
        if let t = try double("LogoutTimeout") { s.logoutTimeout = t }
        s.millisecondsInTimeStamp = try bool("MillisecondsInTimeStamp", true)
        s.persistMessages = try bool("PersistMessages", true)
        s.sendRedundantResendRequests = try bool("SendRedundantResendRequests", false)
        if let mms = try int("MaxMessageSize", 256...(64 << 20)) { s.maxMessageSize = mms }
        if let q = try int("MaxQueuedMessages", 1...10_000_000) { s.maxQueuedMessages = q }
        s.fileLogPath = m["FileLogPath"]?.0
        s.username = m["Username"]?.0
        if let h = m["PasswordHash"]?.0 {
            guard FIXPasswordHash(encoded: h) != nil else {
                throw fail("PasswordHash", "expected pbkdf2-sha256$<iterations>$<salt hex>$<hash hex> (clear passwords are not accepted)")
            }
            s.passwordHash = h
        }
        if (s.username == nil) != (s.passwordHash == nil) {
            throw fail(s.username == nil ? "Username" : "PasswordHash", "Username and PasswordHash go together")
        }
        if let a = m["AllowedRemoteAddresses"]?.0 {
            s.allowedRemoteAddresses = a.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        s.dropCopy = try bool("DropCopy", false)
        if let c = m["DropCopyClients"]?.0 {
            s.dropCopyClients = c.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            // An empty list would copy every client; on a session that is no drop copy it would do nothing.
            guard !s.dropCopyClients.isEmpty else {
                throw fail("DropCopyClients", "empty (leave it out to copy every client)")
            }
            guard s.dropCopy else { throw fail("DropCopyClients", "only for a drop-copy session (DropCopy=Y)") }
        }
        s.defaultBroker = m["DefaultBroker"]?.0

        // Schedule.
        let nonStop = try bool("NonStopSession", false)
        let start = try time("StartTime")
        let end = try time("EndTime")
        if nonStop || (start == nil && end == nil) {
            s.schedule = .alwaysOpen
        } else {
            guard let st = start else { throw fail("StartTime", "required with EndTime (or set NonStopSession=Y)") }
            guard let en = end else { throw fail("EndTime", "required with StartTime (or set NonStopSession=Y)") }
            let tzName = m["TimeZone"]?.0 ?? "UTC"
            guard let tz = TimeZone(identifier: tzName) else { throw fail("TimeZone", "unknown time zone '\(tzName)'") }
            let sd = try day("StartDay")
            let ed = try day("EndDay")
            if (sd == nil) != (ed == nil) { throw fail(sd == nil ? "StartDay" : "EndDay", "StartDay and EndDay go together") }
            var weekdays: Set<Int> = []
            if let w = m["Weekdays"]?.0 {
                for part in w.split(separator: ",") {
                    guard let d = weekday(part.trimmingCharacters(in: .whitespaces)) else {
                        throw fail("Weekdays", "unknown day '\(part)'")
                    }
                    weekdays.insert(d)
                }
            }
            s.schedule = FIXSessionSchedule(startSeconds: st, endSeconds: en, timeZone: tz, startDay: sd, endDay: ed,
                                            weekdays: weekdays)
        }
        return s
    }

    static func weekday(_ s: String) -> Int? {
        let names = ["su", "mo", "tu", "we", "th", "fr", "sa"]
        let l = s.lowercased()
        guard l.count >= 2 else { return nil }
        return names.firstIndex(of: String(l.prefix(2))).map { $0 + 1 }
    }
}
