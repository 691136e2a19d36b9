import Foundation

/// A holiday file that cannot be read; `line` is 1-based.
public struct HolidayFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "holiday file line \(line): \(message)" }
}

extension HolidayCalendar {
    /// Reads a holiday CSV (docs/market-sessions.md, "Holiday file"):
    ///
    ///     date,exchange,segments,holiday_type,description
    ///     2026-01-26,NSE,EQ|FO,TRADING_HOLIDAY,Republic Day
    ///
    /// The header names the columns, in any order; `date` and `exchange` are required. `exchange` is `NSE`, `BSE`
    /// or `NSE|BSE`; `segments` is `EQ`, `FO` or `EQ|FO` (default both); rows whose `holiday_type` is not
    /// `TRADING_HOLIDAY` (settlement holidays, special timings) are skipped; other columns are ignored. Blank lines
    /// and lines starting with `#` are skipped; fields may be double-quoted.
    public static func parseCSV(_ text: String, kind: SessionHoliday.Kind = .scheduled) throws(HolidayFileError)
        -> [SessionHoliday]
    {
        var header: [String: Int]?
        var result: [SessionHoliday] = []
        var lineNumber = 0
        // `\r\n` is one Character in Swift, so split on any newline character.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " }) || line.hasPrefix("#") { continue }
            let fields = try splitCSV(line, lineNumber: lineNumber)
            guard let columns = header else {
                var h: [String: Int] = [:]
                for (i, f) in fields.enumerated() { h[f.lowercased()] = i }
                guard h["date"] != nil, h["exchange"] != nil else {
                    throw HolidayFileError(line: lineNumber, message: "header must name the date and exchange columns")
                }
                header = h
                continue
            }
            func field(_ name: String) -> String? {
                guard let i = columns[name], i < fields.count else { return nil }
                let v = fields[i]
                return v.isEmpty ? nil : v
            }
            if let type = field("holiday_type"), type != "TRADING_HOLIDAY" { continue }
            guard let dateText = field("date"), let date = TradingDate(iso: dateText) else {
                throw HolidayFileError(line: lineNumber, message: "date is not YYYY-MM-DD: \(field("date") ?? "")")
            }
            var exchanges: [SessionExchange] = []
            for e in (field("exchange") ?? "").split(separator: "|") {
                guard let x = SessionExchange(rawValue: String(e)) else {
                    throw HolidayFileError(line: lineNumber, message: "unknown exchange: \(e)")
                }
                exchanges.append(x)
            }
            if exchanges.isEmpty { throw HolidayFileError(line: lineNumber, message: "no exchange") }
            var kinds: [SessionSegmentKind] = SessionSegmentKind.allCases
            if let s = field("segments") {
                kinds = []
                for k in s.split(separator: "|") {
                    guard let x = SessionSegmentKind(rawValue: String(k)) else {
                        throw HolidayFileError(line: lineNumber, message: "unknown segment: \(k) (EQ or FO)")
                    }
                    kinds.append(x)
                }
            }
            let reason = field("description") ?? "trading holiday"
            for e in exchanges {
                for k in kinds {
                    result.append(SessionHoliday(date: date, market: SessionMarket(exchange: e, kind: k),
                                                 reason: reason, kind: kind))
                }
            }
        }
        if header == nil { throw HolidayFileError(line: lineNumber, message: "no header line") }
        return result
    }

    /// A calendar from holiday CSV texts (see `parseCSV`).
    public convenience init(csv texts: String...) throws(HolidayFileError) {
        var all: [SessionHoliday] = []
        for t in texts { all += try HolidayCalendar.parseCSV(t) }
        self.init(all)
    }

    /// Adds the holidays of a CSV file (see `parseCSV`).
    public func load(contentsOf url: URL, kind: SessionHoliday.Kind = .scheduled) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        add(try HolidayCalendar.parseCSV(text, kind: kind))
    }

    private static func splitCSV(_ line: Substring, lineNumber: Int) throws(HolidayFileError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var chars = line.makeIterator()
        var pendingQuote = false
        while let c = chars.next() {
            if pendingQuote {
                pendingQuote = false
                if c == "\"" {
                    current.append("\"")
                    continue
                }
                quoted = false
            }
            if quoted {
                if c == "\"" { pendingQuote = true } else { current.append(c) }
            } else if c == "\"" && current.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(c)
            }
        }
        if quoted && !pendingQuote { throw HolidayFileError(line: lineNumber, message: "unterminated quote") }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
