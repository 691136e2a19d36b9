/// A table as the CLI prints it: each column as wide as its widest cell, two spaces apart, every line indented;
/// the first `leftAligned` columns (names) aligned left, the rest (amounts, quantities) right.
enum TextTable {
    static func render(_ headers: [String], _ rows: [[String]], leftAligned: Int, indent: String = "  ") -> String {
        let rows = rows.map { $0.map(printable) }
        var widths = headers.map(\.count)
        for row in rows { for (k, c) in row.enumerated() { widths[k] = max(widths[k], c.count) } }
        func line(_ row: [String]) -> String {
            indent + row.enumerated().map { k, c in
                k < leftAligned ? c.padding(toLength: widths[k], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[k] - c.count) + c
            }.joined(separator: "  ") + "\n"
        }
        return line(headers) + rows.map(line).joined()
    }
}

/// `text` with control characters (C0, DEL, C1) shown as `?`: texts from the server (ClOrdIDs, symbols, reject
/// texts from brokers) must not move the operator's cursor or recolour the terminal.
func printable(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? "?" : $0 }))
}

private func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (0x7f...0x9f).contains(s.value) }
