import GRDB
import OMSCore

/// Reads the `instruments` table into core `Instrument` values (fixed point).
public enum InstrumentRepository {
    /// A value of a REAL column as whole units of `scale` per unit (paise → Price units: 100; a rate: Rate.scale);
    /// nil when absent or when it does not fit Int64 (a row stored before the loader's bounds), rather than a
    /// trap at every start.
    static func units(_ real: Double?, scale: Int64) -> Int64? {
        real.flatMap { Int64(exactly: ($0 * Double(scale)).rounded()) }
    }

    static let selectSQL = """
        SELECT instrument_key, segment, exchange, name, instrument_type, trading_symbol, isin, exchange_token,
               lot_size, tick_size, freeze_quantity, security_type, expiry, strike_price, option_type,
               underlying_key, underlying_symbol, weekly, short_name, active
        FROM instruments
        """

    /// Every instrument, active or not, in instrument_key order.
    public static func fetchAll(_ db: Database) throws -> [Instrument] {
        var out: [Instrument] = []
        out.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instruments") ?? 0)
        let rows = try Row.fetchCursor(db, sql: selectSQL + " ORDER BY instrument_key")
        while let r = try rows.next() {
            if let i = instrument(r) { out.append(i) }
        }
        return out
    }

    public static func fetch(_ db: Database, key: InstrumentKey) throws -> Instrument? {
        try Row.fetchOne(db, sql: selectSQL + " WHERE instrument_key = ?", arguments: [key.rawValue]).flatMap(instrument)
    }

    public static func count(_ db: Database, activeOnly: Bool = false) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instruments" + (activeOnly ? " WHERE active" : "")) ?? 0
    }

    static func instrument(_ r: Row) -> Instrument? {
        guard let segment = Segment(rawValue: r[1]) else { return nil }
        let tickPaise: Double? = r[9]
        let freeze: Double? = r[10]
        let expiry: Int64? = r[12]
        let strike: Int64? = r[13]
        let option: String? = r[14]
        let underlying: String? = r[15]
        let weekly: Bool? = r[17]
        return Instrument(
            key: InstrumentKey(r[0]), segment: segment, exchange: r[2], name: r[3], instrumentType: r[4],
            tradingSymbol: r[5], isin: r[6], exchangeToken: r[7], lotSize: r[8] ?? 1,
            tickSize: units(tickPaise, scale: 100).map(Price.init(units:)) ?? Price(paise: 5),
            freezeQuantity: units(freeze, scale: 1), securityType: r[11],
            expiryDay: expiry.map(ISTCalendar.day(ofEpochMillis:)), strikePrice: strike.map(Price.init(units:)),
            optionType: option.flatMap(OptionType.init(rawValue:)), underlyingKey: underlying.map(InstrumentKey.init),
            underlyingSymbol: r[16], weekly: weekly ?? false, shortName: r[18], active: r[19])
    }
}
