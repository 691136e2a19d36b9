/// The day's price band (circuit limits) of one instrument; both bounds are inclusive.
public struct PriceBand: Hashable, Sendable, Codable {
    public var lower: Price
    public var upper: Price

    public init(lower: Price, upper: Price) {
        self.lower = lower
        self.upper = upper
    }

    public func contains(_ price: Price) -> Bool { price >= lower && price <= upper }
}

/// The day's band file, by instrument. An instrument without a band (options, "no band" F&O stocks whose
/// dynamic range the exchange enforces) is not band-checked.
public struct PriceBands: Hashable, Sendable {
    public var bands: [InstrumentKey: PriceBand]

    public init(_ bands: [InstrumentKey: PriceBand] = [:]) { self.bands = bands }

    public subscript(key: InstrumentKey) -> PriceBand? {
        get { bands[key] }
        set { bands[key] = newValue }
    }

    public var isEmpty: Bool { bands.isEmpty }
}

extension PriceBands {
    /// One row of the band file that could not be used.
    public struct CSVProblem: Hashable, Sendable {
        public var line: Int
        public var text: String
    }

    /// Reads the band file (`date,exchange,symbol,lower_limit,upper_limit`, seeds/price_bands.csv). `resolve`
    /// maps (exchange, symbol) to an instrument key; rows it cannot resolve, or with bad prices, are reported
    /// in `problems` and skipped.
    public static func parse(csv: String, resolve: (_ exchange: String, _ symbol: String) -> InstrumentKey?)
        -> (bands: PriceBands, problems: [CSVProblem])
    {
        var bands = PriceBands()
        var problems: [CSVProblem] = []
        var header: [String: Int] = [:]
        for (n, rawLine) in csv.split(whereSeparator: \.isNewline).enumerated() {
            let fields = rawLine.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingWhitespace() }
            if header.isEmpty {
                for (i, f) in fields.enumerated() { header[f.lowercased()] = i }
                continue
            }
            func field(_ name: String) -> String? {
                guard let i = header[name], i < fields.count else { return nil }
                return fields[i]
            }
            guard let exchange = field("exchange"), let symbol = field("symbol"),
                  let lower = field("lower_limit").flatMap({ Price($0) }),
                  let upper = field("upper_limit").flatMap({ Price($0) }), lower <= upper,
                  let key = resolve(exchange, symbol)
            else {
                problems.append(CSVProblem(line: n + 1, text: String(rawLine)))
                continue
            }
            bands[key] = PriceBand(lower: lower, upper: upper)
        }
        return (bands, problems)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
