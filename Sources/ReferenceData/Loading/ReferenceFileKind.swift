import Foundation

/// The daily inputs the loader understands.
public enum ReferenceFileKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Beginning-of-day instrument master (`complete.json.gz`, `NSE.json.gz`, …): the full list for the
    /// segments it contains; instruments of those segments missing from it are marked inactive.
    case bod
    /// Intraday (MIS) list (`NSE_MIS.json.gz`, `BSE_MIS.json.gz`): `intraday_margin`, `intraday_leverage`.
    case mis
    /// Margin trading (MTF) list (`MTF.json.gz`): `mtf_enabled`, `mtf_bracket`.
    case mtf
    /// Suspended instruments (`suspended-instrument.json.gz`): not tradable on the broker.
    case suspended
    /// Price bands, CSV: per-instrument lower/upper limit for a trading day.
    case priceBands = "price-bands"
    /// Surveillance lists (ASM/GSM/ESM stages), CSV.
    case surveillance
    /// IPO listing day (day 0) and relisting list, CSV.
    case ipo
    /// Trade-for-trade series per exchange, CSV.
    case t2tSeries = "t2t-series"
    /// Exchange holiday calendar, CSV.
    case holidays
    /// Each client's permitted products, CSV.
    case clientProducts = "client-products"

    public var description: String { rawValue }

    /// The JSON instrument files (the others are CSV).
    public var isInstrumentJSON: Bool { [.bod, .mis, .mtf, .suspended].contains(self) }

    /// The kind an Upstox-style file name says, if it says one.
    static func fromFileName(_ path: String) -> ReferenceFileKind? {
        var name = (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.contains("suspended") { return .suspended }
        if name.contains("_mis") || name.hasPrefix("mis") { return .mis }
        if name.hasPrefix("mtf") { return .mtf }
        if name.hasPrefix("complete") || ["nse.json", "bse.json", "mcx.json"].contains(name) { return .bod }
        return nil
    }

    /// The kind of a CSV daily input, from its header's column names.
    static func fromCSVHeader(_ columns: [String]) -> ReferenceFileKind? {
        let c = Set(columns)
        if c.contains("lower_limit") && c.contains("upper_limit") { return .priceBands }
        if c.contains("framework") && c.contains("stage") { return .surveillance }
        if c.contains("event") && (c.contains("symbol") || c.contains("instrument_key")) { return .ipo }
        if c.contains("holiday_type") { return .holidays }
        if c.contains("client_id") && c.contains("products") { return .clientProducts }
        if c.contains("series") && c.contains("exchange") && !c.contains("symbol") { return .t2tSeries }
        return nil
    }
}
