import OMSCore

/// Turns one parsed JSON object into an `InstrumentRow`, or says why the record is malformed.
/// Parses defensively: numbers may arrive as strings, absent keys mean "not applicable".
struct InstrumentRecordDecoder {
    enum Key: Int, CaseIterable {
        case segment, name, exchange, isin, instrumentType, instrumentKey, lotSize, minimumLot, freezeQuantity
        case exchangeToken, tickSize, tradingSymbol, shortName, securityType, qtyMultiplier, expiry, weekly
        case strikePrice, underlyingKey, underlyingSymbol, underlyingType, mtfEnabled, mtfBracket
        case intradayMargin, intradayLeverage

        var json: String {
            switch self {
            case .segment: "segment"
            case .name: "name"
            case .exchange: "exchange"
            case .isin: "isin"
            case .instrumentType: "instrument_type"
            case .instrumentKey: "instrument_key"
            case .lotSize: "lot_size"
            case .minimumLot: "minimum_lot"
            case .freezeQuantity: "freeze_quantity"
            case .exchangeToken: "exchange_token"
            case .tickSize: "tick_size"
            case .tradingSymbol: "trading_symbol"
            case .shortName: "short_name"
            case .securityType: "security_type"
            case .qtyMultiplier: "qty_multiplier"
            case .expiry: "expiry"
            case .weekly: "weekly"
            case .strikePrice: "strike_price"
            case .underlyingKey: "underlying_key"
            case .underlyingSymbol: "underlying_symbol"
            case .underlyingType: "underlying_type"
            case .mtfEnabled: "mtf_enabled"
            case .mtfBracket: "mtf_bracket"
            case .intradayMargin: "intraday_margin"
            case .intradayLeverage: "intraday_leverage"
            }
        }
    }

    /// Bounds of values stored as REAL and read back as whole numbers (see `decode`).
    static let maxQuantity: Int64 = 1_000_000_000_000
    /// ₹100,000 in Price units.
    static let maxTickUnits: Int64 = 1_000_000_000
    /// 2000-01-01 to 2100-01-01 UTC, epoch milliseconds.
    static let expiryRange: ClosedRange<Int64> = 946_684_800_000...4_102_444_800_000
    /// 1000× in Rate units.
    static let maxLeverageUnits: Int64 = 1000 * Rate.scale

    struct Malformed: Error {
        var reason: String
        /// The record's instrument_key, when it could be read.
        var instrumentKey: String? = nil
    }

    /// Known keys grouped by length, as bytes, for matching without building key strings.
    private static let keysByLength: [[(bytes: [UInt8], key: Key)]] = {
        var t = [[(bytes: [UInt8], key: Key)]](repeating: [], count: 32)
        for k in Key.allCases { t[k.json.utf8.count].append((Array(k.json.utf8), k)) }
        return t
    }()

    private var fields: [JSONField] = []
    private var slots = [Int](repeating: -1, count: Key.allCases.count)

    init() { fields.reserveCapacity(40) }

    /// Parses the element. Throws `ReferenceFileError` for broken JSON (the file is refused) and
    /// `Malformed` for a well-formed record with wrong content (the record is skipped).
    mutating func decode(_ element: UnsafeRawBufferPointer, index: Int) throws -> InstrumentRow {
        let kind = try JSONElementParser.parse(element, index: index, fields: &fields)
        guard kind == .object else { throw Malformed(reason: "record is \(kind.name), not an object") }
        let b = element.bindMemory(to: UInt8.self)
        for k in 0..<slots.count { slots[k] = -1 }
        for (fi, f) in fields.enumerated() {
            let len = Int(f.keyEnd - f.keyStart)
            guard len < Self.keysByLength.count else { continue }
            for cand in Self.keysByLength[len] {
                var same = true
                for j in 0..<len where b[Int(f.keyStart) + j] != cand.bytes[j] { same = false; break }
                if same { slots[cand.key.rawValue] = fi; break }
            }
        }
        do {
            return try row(b)
        } catch var m as Malformed {
            m.instrumentKey = try? string(b, .instrumentKey)
            throw m
        }
    }

    private func field(_ k: Key) -> JSONField? {
        let s = slots[k.rawValue]
        return s < 0 ? nil : fields[s]
    }

    private func string(_ b: UnsafeBufferPointer<UInt8>, _ k: Key) throws -> String? {
        guard let f = field(k) else { return nil }
        switch f.kind {
        case .string:
            let s = JSONElementParser.decodeString(b, Int(f.valueStart), Int(f.valueEnd), hasEscape: f.valueHasEscape)
            return s.isEmpty ? nil : s
        case .number:
            return String(decoding: UnsafeBufferPointer(rebasing: b[Int(f.valueStart)..<Int(f.valueEnd)]), as: UTF8.self)
        case .null: return nil
        default: throw Malformed(reason: "\(k.json): expected a string, got \(f.kind.name)")
        }
    }

    private func required(_ b: UnsafeBufferPointer<UInt8>, _ k: Key) throws -> String {
        guard let s = try string(b, k) else { throw Malformed(reason: "\(k.json) is missing") }
        return s
    }

    private func decimal(_ b: UnsafeBufferPointer<UInt8>, _ k: Key, decimals: Int) throws -> Int64? {
        guard let f = field(k) else { return nil }
        switch f.kind {
        case .number, .string:
            if f.kind == .string && f.valueStart == f.valueEnd { return nil }
            let text = UnsafeBufferPointer(rebasing: b[Int(f.valueStart)..<Int(f.valueEnd)])
            guard let v = DecimalText.parse(text, decimals: decimals) else {
                let shown = String(decoding: text.prefix(40), as: UTF8.self)
                throw Malformed(reason: "\(k.json): `\(shown)` is not a number with at most \(decimals) decimals")
            }
            return v
        case .null: return nil
        default: throw Malformed(reason: "\(k.json): expected a number, got \(f.kind.name)")
        }
    }

    private func bool(_ b: UnsafeBufferPointer<UInt8>, _ k: Key) throws -> Bool? {
        guard let f = field(k) else { return nil }
        switch f.kind {
        case .true: return true
        case .false: return false
        case .null: return nil
        case .string, .number:
            let t = String(decoding: UnsafeBufferPointer(rebasing: b[Int(f.valueStart)..<Int(f.valueEnd)]), as: UTF8.self)
            switch t.lowercased() {
            case "true", "1", "y", "yes": return true
            case "false", "0", "n", "no", "": return false
            default: throw Malformed(reason: "\(k.json): `\(t)` is not a boolean")
            }
        default: throw Malformed(reason: "\(k.json): expected a boolean, got \(f.kind.name)")
        }
    }

    private func row(_ b: UnsafeBufferPointer<UInt8>) throws -> InstrumentRow {
        let key = try required(b, .instrumentKey)
        let segmentText = try required(b, .segment)
        guard let segment = Segment(rawValue: segmentText) else {
            throw Malformed(reason: "segment: unsupported segment `\(segmentText)`")
        }
        guard key.hasPrefix(segmentText + "|"), key.utf8.count > segmentText.utf8.count + 1 else {
            throw Malformed(reason: "instrument_key `\(key)` does not belong to segment \(segmentText)")
        }
        let exchange = try required(b, .exchange)
        guard exchange == segment.exchangeName else {
            throw Malformed(reason: "exchange `\(exchange)` does not match segment \(segmentText)")
        }
        let instrumentType = try required(b, .instrumentType)
        var row = InstrumentRow(
            instrumentKey: key, segment: segment, name: try required(b, .name), exchange: exchange,
            instrumentType: instrumentType, tradingSymbol: try required(b, .tradingSymbol))
        row.lotSize = try decimal(b, .lotSize, decimals: 0)
        if let l = row.lotSize, l <= 0 { throw Malformed(reason: "lot_size must be positive, got \(l)") }
        row.minimumLot = try decimal(b, .minimumLot, decimals: 0)
        row.freezeQuantity = try decimal(b, .freezeQuantity, decimals: 0)
        // Upper bounds below: the stored values are read back as whole numbers at every start, and one past
        // what Int64 holds (or an expiry past year 2100) stopped the server at each start after the load.
        if let f = row.freezeQuantity, !(0...Self.maxQuantity).contains(f) {
            throw Malformed(reason: "freeze_quantity must be 0…\(Self.maxQuantity)")
        }
        // tick_size is published in paise: paise × 100 = Price units (₹ × 10^4).
        if let paise = try decimal(b, .tickSize, decimals: 2) {
            guard paise > 0, paise <= Self.maxTickUnits else { throw Malformed(reason: "tick_size must be positive, at most ₹100000") }
            row.tickSize = Price(units: paise)
        }
        row.securityType = try string(b, .securityType)
        if let q = try decimal(b, .qtyMultiplier, decimals: 4) { row.qtyMultiplier = Rate(units: q) }
        row.isin = try string(b, .isin)
        row.exchangeToken = try string(b, .exchangeToken)
        row.shortName = try string(b, .shortName)
        row.underlyingKey = try string(b, .underlyingKey)
        row.underlyingSymbol = try string(b, .underlyingSymbol)
        row.underlyingType = try string(b, .underlyingType)
        row.weekly = try bool(b, .weekly)
        row.expiry = try decimal(b, .expiry, decimals: 0)
        if let e = row.expiry, !Self.expiryRange.contains(e) {
            throw Malformed(reason: "expiry must be epoch milliseconds between 2000 and 2100")
        }
        if let s = try decimal(b, .strikePrice, decimals: 4) { row.strikePrice = Price(units: s) }
        if let m = try decimal(b, .intradayMargin, decimals: 4) { row.intradayMargin = Rate(units: m) }
        if let l = try decimal(b, .intradayLeverage, decimals: 4) {
            guard (0...Self.maxLeverageUnits).contains(l) else { throw Malformed(reason: "intraday_leverage must be 0…1000") }
            row.intradayLeverage = Rate(units: l)
        }
        row.mtfEnabled = try bool(b, .mtfEnabled)
        if let m = try decimal(b, .mtfBracket, decimals: 4) { row.mtfBracket = Rate(units: m) }
        if segment.isDerivative {
            switch instrumentType {
            case "FUT":
                row.optionType = nil
            case "CE", "PE":
                row.optionType = OptionType(rawValue: instrumentType)
                guard let s = row.strikePrice, s.units > 0 else {
                    throw Malformed(reason: "option without a positive strike_price")
                }
            default:
                throw Malformed(reason: "instrument_type `\(instrumentType)` is not FUT, CE or PE for \(segmentText)")
            }
            guard row.expiry != nil else { throw Malformed(reason: "expiry is missing for a derivative") }
            guard row.lotSize != nil else { throw Malformed(reason: "lot_size is missing for a derivative") }
        }
        return row
    }
}
