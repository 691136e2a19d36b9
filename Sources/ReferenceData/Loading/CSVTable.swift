/// A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) for the daily CSV inputs.
/// Blank lines and lines starting with `#` are skipped. Column names are lower-cased and trimmed.
struct CSVTable {
    var header: [String]
    /// Each data row with its 0-based index among data rows.
    var rows: [(index: Int, fields: [String])]

    static func parse(_ text: String) throws -> CSVTable {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pendingCR = false
        func endRecord() {
            record.append(field)
            field = ""
            let blank = record.count == 1 && record[0].trimmingSpaces.isEmpty
            let comment = record.first?.hasPrefix("#") ?? false
            if !blank && !comment { records.append(record) }
            record = []
        }
        while let c = iterator.next() {
            if pendingCR {
                pendingCR = false
                if c == "\n" { continue }
            }
            if inQuotes {
                if c == "\"" {
                    inQuotes = false
                    afterQuote = true
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                if afterQuote {
                    field.append("\"")
                    inQuotes = true
                    afterQuote = false
                } else if field.trimmingSpaces.isEmpty {
                    field = ""
                    inQuotes = true
                } else {
                    throw ReferenceFileError(.notJSON, "not CSV: stray quote on line \(line)")
                }
            case ",":
                record.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r":
                endRecord()
                afterQuote = false
                line += 1
                pendingCR = c == "\r"
            default:
                if c.value == 0 { throw ReferenceFileError(.notJSON, "not CSV: NUL byte on line \(line)") }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw ReferenceFileError(.truncated, "CSV ends inside a quoted field (file truncated)") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let head = records.first else { throw ReferenceFileError(.notJSON, "the file is empty") }
        let header = head.map { $0.trimmingSpaces.lowercased() }
        var rows: [(Int, [String])] = []
        for (k, r) in records.dropFirst().enumerated() { rows.append((k, r.map(\.trimmingSpaces))) }
        return CSVTable(header: header, rows: rows)
    }

    func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\u{FEFF}" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
