/// The risk engine's start-of-day files (seeds/risk/ in the demo): marks and volatilities, daily closes for the
/// VaR model, and carried positions. Pure parsers over CSV text; a row that cannot be used is reported, not
/// guessed at.
public enum RiskDataFiles {
    /// A row that could not be used (1-based line number).
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// `instrument_key,last_price,volatility_pct`; either value may be empty.
    public static func market(csv: String) -> (prices: [InstrumentKey: Price], volatilities: [InstrumentKey: Rate],
                                               problems: [Problem]) {
        var prices: [InstrumentKey: Price] = [:], vols: [InstrumentKey: Rate] = [:], problems: [Problem] = []
        for (n, f) in rows(csv, columns: 3, problems: &problems) {
            let key = InstrumentKey(f[0])
            if !f[1].isEmpty {
                guard let p = Price(f[1]), p.units > 0 else {
                    problems.append(Problem(line: n, message: "last_price `\(f[1])` is not a positive price"))
                    continue
                }
                prices[key] = p
            }
            if !f[2].isEmpty {
                guard let v = Rate(f[2]), v.units > 0 else {
                    problems.append(Problem(line: n, message: "volatility_pct `\(f[2])` is not a positive percent"))
                    continue
                }
                vols[key] = v
            }
        }
        return (prices, vols, problems.sorted { $0.line < $1.line })
    }

    /// `day,KEY1,KEY2,…` with one row of closes per day, oldest first → daily log returns per key.
    public static func returns(closesCSV csv: String) -> (returns: [InstrumentKey: [Double]], problems: [Problem]) {
        var problems: [Problem] = []
        let lines = csv.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let header = lines.first, header.count >= 2 else {
            return ([:], [Problem(line: 1, message: "expected a header `day,KEY1,KEY2,…`")])
        }
        let keys = header.dropFirst().map { InstrumentKey(String($0).trimmed) }
        var closes = [[Double]](repeating: [], count: keys.count)
        for (i, row) in lines.dropFirst().enumerated() {
            guard row.count == header.count else {
                problems.append(Problem(line: i + 2, message: "expected \(header.count) fields, got \(row.count)"))
                continue
            }
            let values = row.dropFirst().map { Price(String($0).trimmed) }
            guard values.allSatisfy({ ($0?.units ?? 0) > 0 }) else {
                problems.append(Problem(line: i + 2, message: "every close must be a positive price"))
                continue
            }
            for (k, v) in values.enumerated() { closes[k].append(Double(v!.units)) }
        }
        var out: [InstrumentKey: [Double]] = [:]
        for (k, c) in closes.enumerated() where c.count >= 2 {
            out[keys[k]] = EWMACovariance.logReturns(c)
        }
        return (out, problems)
    }

    /// One carried position.
    public struct CarriedPosition: Hashable, Sendable {
        public var client: ClientID
        public var instrument: InstrumentKey
        public var product: Product
        /// Signed units (negative: short).
        public var quantity: Int64
        /// The price the day's P&L is measured from (the previous close for carried positions).
        public var averagePrice: Price
    }

    /// `client_id,instrument_key,product,quantity,average_price`.
    /// The largest carried quantity a positions file may give (units).
    public static let maxCarriedQuantity: Int64 = 1_000_000_000_000

    public static func positions(csv: String) -> (positions: [CarriedPosition], problems: [Problem]) {
        var list: [CarriedPosition] = [], problems: [Problem] = []
        for (n, f) in rows(csv, columns: 5, problems: &problems) {
            guard let product = Product(rawValue: f[2]) else {
                problems.append(Problem(line: n, message: "product `\(f[2])` is not CNC, MIS, MTF or NRML"))
                continue
            }
            guard let q = Int64(f[3]), q != 0, q.magnitude <= UInt64(maxCarriedQuantity) else {
                problems.append(Problem(line: n, message: "quantity `\(f[3])` is not a non-zero whole number of at most \(maxCarriedQuantity) units"))
                continue
            }
            guard let p = Price(f[4]), p.units > 0 else {
                problems.append(Problem(line: n, message: "average_price `\(f[4])` is not a positive price"))
                continue
            }
            // Its value must fit the books (Int64 ₹ × 10^4): a file row past it stopped the server at start.
            guard !abs(q).multipliedReportingOverflow(by: p.units).overflow else {
                problems.append(Problem(line: n, message: "quantity × average_price is past what the books hold"))
                continue
            }
            list.append(CarriedPosition(client: ClientID(f[0]), instrument: InstrumentKey(f[1]), product: product,
                                        quantity: q, averagePrice: p))
        }
        return (list, problems.sorted { $0.line < $1.line })
    }

    /// Data rows (after the header) with exactly `columns` trimmed fields and a non-empty first field.
    static func rows(_ csv: String, columns: Int, problems: inout [Problem]) -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        for (i, line) in csv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed }
            if f.count == 1 && f[0].isEmpty { continue }
            guard f.count == columns, !f[0].isEmpty else {
                problems.append(Problem(line: i + 1, message: "expected \(columns) fields, got \(f.count)"))
                continue
            }
            out.append((i + 1, f))
        }
        return out
    }
}

extension String {
    fileprivate var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}
