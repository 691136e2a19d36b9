import OMSCore

extension InstrumentCatalog {
    private enum Wanted {
        case any, cash, future, option, index

        func accepts(_ c: InstrumentClass) -> Bool {
            switch self {
            case .any: true
            case .cash: c == .cash
            case .future: c == .future
            case .option: c == .option
            case .index: c == .index
            }
        }
    }

    static let allExchanges = ["NSE", "BSE", "MCX"]

    /// Exchange names FIX counterparties send in 207, to Vega's.
    static func normalizedExchange(_ e: String) -> String? {
        switch e.asciiUppercased {
        case "NSE", "XNSE", "NFO", "NSE_EQ", "NSE_FO": "NSE"
        case "BSE", "XBOM", "BFO", "BSE_EQ", "BSE_FO": "BSE"
        case "MCX", "XIMC": "MCX"
        default: nil
        }
    }

    /// Resolves a FIX instrument description to exactly one active instrument.
    public func resolve(_ l: InstrumentLookup) -> Result<Instrument, SymbolRejection> {
        var exchange: String?
        if let e = l.exchange, !e.isEmpty {
            guard let n = Self.normalizedExchange(e) else {
                return .failure(.invalidLookup(lookup: l, reason: "unknown SecurityExchange \(e)"))
            }
            exchange = n
        }
        let wanted: Wanted
        switch l.securityType?.asciiUppercased {
        case nil, "": wanted = .any
        case "CS", "EQ", "COMMON", "ETF", "PS": wanted = .cash
        case "FUT": wanted = .future
        case "OPT": wanted = .option
        case "INDEX": wanted = .index
        case let t?: return .failure(.invalidLookup(lookup: l, reason: "unsupported SecurityType \(t)"))
        }
        if let id = l.securityID, !id.isEmpty {
            guard let source = l.securityIDSource, !source.isEmpty else {
                return .failure(.invalidLookup(lookup: l, reason: "SecurityID (48) without SecurityIDSource (22)"))
            }
            let upper = id.asciiUppercased
            switch source {
            case InstrumentLookup.IDSource.isin:
                return pick(byISIN[upper] ?? [], exchange: exchange, wanted: wanted, l)
            case InstrumentLookup.IDSource.exchangeSymbol:
                if upper.contains("|") {
                    return pick(byKey[upper].map { [$0] } ?? [], exchange: exchange, wanted: wanted, l)
                }
                if upper.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    var hits: [Int32] = []
                    for e in exchange.map({ [$0] }) ?? Self.allExchanges { hits += byToken[e + "|" + upper] ?? [] }
                    return pick(hits, exchange: exchange, wanted: wanted, l)
                }
                return pick(bySymbol[upper] ?? [], exchange: exchange, wanted: wanted, l)
            default:
                return .failure(.invalidLookup(lookup: l, reason: "unsupported SecurityIDSource \(source) (use 4 ISIN or 8 exchange symbol)"))
            }
        }
        guard let symbol = l.symbol, !symbol.isEmpty else {
            return .failure(.invalidLookup(lookup: l, reason: "neither Symbol (55) nor SecurityID (48) given"))
        }
        let upper = symbol.asciiUppercased
        let contractFields = l.maturityDate != nil || l.maturityMonthYear != nil || l.strikePrice != nil || l.putOrCall != nil
        if wanted == .future || wanted == .option || (wanted == .any && contractFields) {
            if !contractFields, let direct = bySymbol[upper],
               direct.contains(where: { wanted.accepts(classes[Int($0)]) }) {
                return pick(direct, exchange: exchange, wanted: wanted, l)
            }
            return resolveContract(underlying: upper, exchange: exchange, wanted: wanted, l)
        }
        if let hits = bySymbol[upper] { return pick(hits, exchange: exchange, wanted: wanted, l) }
        if upper.contains("|") { return pick(byKey[upper].map { [$0] } ?? [], exchange: exchange, wanted: wanted, l) }
        return .failure(.unknownSymbol(lookup: l))
    }

    /// A derivative by underlying + expiry (+ put/call + strike for options).
    private func resolveContract(underlying: String, exchange: String?, wanted: Wanted,
                                 _ l: InstrumentLookup) -> Result<Instrument, SymbolRejection> {
        let isOption: Bool
        switch wanted {
        case .option: isOption = true
        case .future: isOption = false
        default: isOption = l.putOrCall != nil || l.strikePrice != nil
        }
        var type: UInt8 = 0
        var strike: Int64 = 0
        if isOption {
            guard let pc = l.putOrCall else {
                return .failure(.invalidLookup(lookup: l, reason: "an option needs PutOrCall (201)"))
            }
            guard let s = l.strikePrice, s.units > 0 else {
                return .failure(.invalidLookup(lookup: l, reason: "an option needs StrikePrice (202)"))
            }
            type = pc == .call ? 1 : 2
            strike = s.units
        }
        var period: Int32
        var byMonth = false
        if let md = l.maturityDate {
            guard let d = ISTCalendar.parseDay(md) else {
                return .failure(.invalidLookup(lookup: l, reason: "MaturityDate (541) \(md) is not YYYYMMDD"))
            }
            period = d
        } else if let mmy = l.maturityMonthYear {
            if mmy.count == 8, let d = ISTCalendar.parseDay(mmy) {
                period = d
            } else if mmy.count == 6, let v = Int32(mmy), (1...12).contains(v % 100) {
                period = v
                byMonth = true
            } else {
                return .failure(.invalidLookup(lookup: l, reason: "MaturityMonthYear (200) \(mmy) is not YYYYMM or YYYYMMDD"))
            }
        } else {
            return .failure(.invalidLookup(lookup: l, reason: "a derivative needs MaturityDate (541) or MaturityMonthYear (200)"))
        }
        var hits: [Int32]
        if let exchange {
            let k = DerivativeKey(underlying: underlying, exchange: exchange, type: type, period: period, strike: strike)
            hits = (byMonth ? byContractMonth[k] : byContract[k]) ?? []
        } else {
            hits = []
            for e in Self.allExchanges {
                let k = DerivativeKey(underlying: underlying, exchange: e, type: type, period: period, strike: strike)
                hits += (byMonth ? byContractMonth[k] : byContract[k]) ?? []
            }
        }
        if byMonth {
            // YYYYMM names the monthly contract: the weeklies of that month are not it, even when one of them is
            // all there is (a strike listed only in a weekly resolved to it).
            hits = hits.filter { instruments[Int($0)].weekly == false }
        }
        return pick(hits, exchange: exchange, wanted: isOption ? .option : .future, l)
    }

    private func pick(_ hits: [Int32], exchange: String?, wanted: Wanted,
                      _ l: InstrumentLookup) -> Result<Instrument, SymbolRejection> {
        if hits.count == 1 {
            let i = instruments[Int(hits[0])]
            if (exchange == nil || i.exchange == exchange) && wanted.accepts(classes[Int(hits[0])]) {
                return i.active ? .success(i) : .failure(.inactiveInstrument(key: i.key, lookup: l))
            }
            return .failure(.unknownSymbol(lookup: l))
        }
        var matching: [Int32] = []
        var active: [Int32] = []
        for h in hits {
            let i = instruments[Int(h)]
            guard exchange == nil || i.exchange == exchange, wanted.accepts(classes[Int(h)]) else { continue }
            matching.append(h)
            if i.active { active.append(h) }
        }
        if active.count > 1, wanted == .any {
            // A bare symbol names the tradable instrument before an index of the same name.
            let tradable = active.filter { classes[Int($0)] != .index }
            if !tradable.isEmpty { active = tradable }
        }
        if active.count == 1 { return .success(instruments[Int(active[0])]) }
        if active.count > 1 {
            let keys = active.prefix(10).map { instruments[Int($0)].key }.sorted()
            return .failure(.ambiguousSymbol(lookup: l, candidates: keys))
        }
        if let h = matching.first { return .failure(.inactiveInstrument(key: instruments[Int(h)].key, lookup: l)) }
        return .failure(.unknownSymbol(lookup: l))
    }
}

extension String {
    /// Upper-cased ASCII letters; the string itself (no allocation) when it has no lower-case ASCII letter.
    /// Non-ASCII text falls back to `uppercased()`.
    var asciiUppercased: String {
        var needs = false
        for c in utf8 {
            if c >= 0x80 { return uppercased() }
            if c >= 0x61 && c <= 0x7A { needs = true }
        }
        return needs ? uppercased() : self
    }
}
