import OMSCore

/// The order the search ranks kinds of instrument in: equities before indices before derivatives.
enum InstrumentClass: UInt8, Comparable, Sendable {
    case cash = 0, index, future, option

    init(_ i: Instrument) {
        if i.segment.isIndex {
            self = .index
        } else if i.segment.isDerivative || i.segment == .nseCOM {
            self = i.optionType == nil ? .future : .option
        } else {
            self = .cash
        }
    }

    static func < (a: InstrumentClass, b: InstrumentClass) -> Bool { a.rawValue < b.rawValue }
}

/// An immutable in-memory view of the instrument master with the indexes the resolver and the search
/// need. Built off the hot path (after a load, at 06:00) and swapped in whole; never touches SQLite.
public final class InstrumentCatalog: Sendable {
    struct DerivativeKey: Hashable, Sendable {
        var underlying: String
        var exchange: String
        /// 0 FUT, 1 CE, 2 PE.
        var type: UInt8
        /// Expiry day (days since 1970-01-01, IST), or yyyymm for the month index.
        var period: Int32
        var strike: Int64
    }

    /// Every instrument, active or not (the resolver tells "inactive" from "unknown").
    public let instruments: [Instrument]
    public var activeCount: Int { activeTotal }
    let activeTotal: Int
    let classes: [InstrumentClass]
    let upperSymbols: [String]
    let byKey: [String: Int32]
    let bySymbol: [String: [Int32]]
    let byISIN: [String: [Int32]]
    /// `EXCHANGE|token`.
    let byToken: [String: [Int32]]
    let byContract: [DerivativeKey: [Int32]]
    let byContractMonth: [DerivativeKey: [Int32]]
    /// Active instruments for prefix search, each list sorted by upper-cased trading symbol:
    /// cash, indices, then futures and options bucketed by expiry (nearest first).
    let prefixLists: [[Int32]]
    /// (word, instrument) for the words of cash and index names, sorted by word.
    let nameWords: [(word: String, index: Int32)]
    /// The words of each cash/index instrument's name and short name (empty for derivatives).
    let wordsOfName: [[String]]

    public static let empty = InstrumentCatalog(instruments: [])

    public init(instruments: [Instrument]) {
        self.instruments = instruments
        var classes: [InstrumentClass] = []
        var upper: [String] = []
        var byKey: [String: Int32] = [:]
        var bySymbol: [String: [Int32]] = [:]
        var byISIN: [String: [Int32]] = [:]
        var byToken: [String: [Int32]] = [:]
        var byContract: [DerivativeKey: [Int32]] = [:]
        var byMonth: [DerivativeKey: [Int32]] = [:]
        var cash: [Int32] = []
        var indices: [Int32] = []
        var futures: [Int32: [Int32]] = [:]
        var options: [Int32: [Int32]] = [:]
        var words: [(word: String, index: Int32)] = []
        var wordsOfName = [[String]](repeating: [], count: instruments.count)
        var active = 0
        classes.reserveCapacity(instruments.count)
        upper.reserveCapacity(instruments.count)
        byKey.reserveCapacity(instruments.count)
        bySymbol.reserveCapacity(instruments.count)
        for (n, i) in instruments.enumerated() {
            let idx = Int32(n)
            let cls = InstrumentClass(i)
            classes.append(cls)
            let sym = i.tradingSymbol.uppercased()
            upper.append(sym)
            byKey[i.key.rawValue.uppercased()] = idx
            bySymbol[sym, default: []].append(idx)
            if let isin = i.isin { byISIN[isin.uppercased(), default: []].append(idx) }
            if let t = i.exchangeToken { byToken[i.exchange.uppercased() + "|" + t, default: []].append(idx) }
            if cls == .future || cls == .option, let day = i.expiryDay {
                let u = (i.underlyingSymbol ?? i.name).uppercased()
                let type: UInt8 = i.optionType == nil ? 0 : (i.optionType == .call ? 1 : 2)
                let strike = cls == .option ? (i.strikePrice?.units ?? 0) : 0
                byContract[DerivativeKey(underlying: u, exchange: i.exchange.uppercased(), type: type, period: day,
                                         strike: strike), default: []].append(idx)
                byMonth[DerivativeKey(underlying: u, exchange: i.exchange.uppercased(), type: type,
                                      period: ISTCalendar.yearMonth(ofDay: day), strike: strike), default: []].append(idx)
            }
            guard i.active else { continue }
            active += 1
            switch cls {
            case .cash: cash.append(idx)
            case .index: indices.append(idx)
            case .future: futures[i.expiryDay ?? Int32.max, default: []].append(idx)
            case .option: options[i.expiryDay ?? Int32.max, default: []].append(idx)
            }
            if cls == .cash || cls == .index {
                var mine: [String] = []
                for text in [i.name, i.shortName ?? ""] {
                    for w in Self.words(text) where !mine.contains(w) {
                        mine.append(w)
                        words.append((w, idx))
                    }
                }
                wordsOfName[n] = mine
            }
        }
        let bySym: (Int32, Int32) -> Bool = { a, b in
            let x = upper[Int(a)], y = upper[Int(b)]
            if x != y { return x < y }
            // Same symbol on NSE and BSE: NSE first.
            return instruments[Int(a)].segment.rawValue > instruments[Int(b)].segment.rawValue
        }
        var lists: [[Int32]] = [cash.sorted(by: bySym), indices.sorted(by: bySym)]
        for day in futures.keys.sorted() { lists.append(futures[day]!.sorted(by: bySym)) }
        for day in options.keys.sorted() { lists.append(options[day]!.sorted(by: bySym)) }
        // Within one word, instruments in search rank order (equities before indices, then symbol, NSE first),
        // so that the name tier needs no sort at query time.
        var rank = [Int32](repeating: 0, count: instruments.count)
        for (r, idx) in (lists[0] + lists[1]).enumerated() { rank[Int(idx)] = Int32(r) }
        words.sort { $0.word != $1.word ? $0.word < $1.word : rank[Int($0.index)] < rank[Int($1.index)] }
        self.classes = classes
        self.upperSymbols = upper
        self.byKey = byKey
        self.bySymbol = bySymbol
        self.byISIN = byISIN
        self.byToken = byToken
        self.byContract = byContract
        self.byContractMonth = byMonth
        self.prefixLists = lists
        self.nameWords = words
        self.wordsOfName = wordsOfName
        self.activeTotal = active
    }

    /// Upper-cased alphanumeric words of a name.
    static func words(_ text: String) -> [String] {
        text.uppercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// The instrument with this key (any case), active or not.
    public func instrument(forKey key: InstrumentKey) -> Instrument? {
        byKey[key.rawValue.uppercased()].map { instruments[Int($0)] }
    }
}

