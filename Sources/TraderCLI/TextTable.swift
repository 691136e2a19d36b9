/// A table as the CLI prints it: each column as wide as its widest cell, two spaces apart, every line indented;
/// the first `leftAligned` columns (names) aligned left, the rest (amounts, quantities) right.
enum TextTable {
    static func render(_ headers: [String], _ rows: [[String]], leftAligned: Int, indent: String = "  ") -> String {
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
