import CompressNIO
import Foundation
import GRDB
import NIOCore
import OMSCore
import OMSPersistence
@testable import ReferenceData

/// A temporary folder with a real `vega_trade.db`, removed at deinit.
final class TempWorkspace: @unchecked Sendable {
    // @unchecked Sendable: immutable after init.
    let dir: URL
    let pool: DatabasePool

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vega-refdata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        pool = try VegaDatabase.open(path: dir.appendingPathComponent("vega_trade.db").path, durability: .normal)
    }

    deinit {
        try? pool.close()
        try? FileManager.default.removeItem(at: dir)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// Writes `text` gzip-compressed (through zlib, compress-nio) and returns the path.
    @discardableResult
    func writeGzip(_ name: String, _ text: String) throws -> String {
        var input = ByteBuffer(string: text)
        let compressed = try input.compress(with: .gzip())
        let p = path(name)
        try Data(compressed.readableBytesView).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    func writeBytes(_ name: String, _ bytes: [UInt8]) throws -> String {
        let p = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try writeBytes(name, Array(text.utf8)) }

    func loader(clock: any InstantClock = ManualInstantClock(Fixtures.nov25At0700), options: LoadOptions = .init())
        -> ReferenceDataLoader
    {
        ReferenceDataLoader(writer: pool, clock: clock, options: options)
    }

    /// Every row of `instruments`, as text, in key order: to prove a refused load changed nothing.
    func dump(_ table: String = "instruments") throws -> [String] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map { "\($0)" }
        }
    }

    func row(_ key: String) throws -> Row? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM instruments WHERE instrument_key = ?", arguments: [key]) }
    }
}

enum Fixtures {
    /// 2026-11-25 07:00 IST.
    static let nov25At0700 = Date(timeIntervalSince1970: 1_795_570_200)

    static var seedsDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("seeds").path
    }

    static func equity(_ symbol: String, isin: String, token: String, series: String = "EQ", segment: String = "NSE_EQ",
                       name: String? = nil, tick: String = "5.0", lot: String = "1") -> String {
        let exchange = segment.hasPrefix("NSE") ? "NSE" : "BSE"
        return """
            {"segment":"\(segment)","name":"\(name ?? symbol + " LIMITED")","exchange":"\(exchange)","isin":"\(isin)",\
            "instrument_type":"\(series)","instrument_key":"\(segment)|\(isin)","lot_size":\(lot),\
            "freeze_quantity":100000.0,"exchange_token":"\(token)","tick_size":\(tick),"trading_symbol":"\(symbol)",\
            "short_name":"\(symbol.capitalized)","security_type":"NORMAL","qty_multiplier":1.0}
            """
    }

    static func future(_ token: String, underlying: String = "NIFTY", expiry: String = "1798568999000",
                       date: String = "29 DEC 26", lot: Int = 65) -> String {
        """
        {"weekly":false,"segment":"NSE_FO","name":"\(underlying)","exchange":"NSE","expiry":\(expiry),\
        "instrument_type":"FUT","asset_symbol":"\(underlying)","underlying_symbol":"\(underlying)",\
        "instrument_key":"NSE_FO|\(token)","lot_size":\(lot),"freeze_quantity":1800.0,"exchange_token":"\(token)",\
        "minimum_lot":\(lot),"underlying_key":"NSE_INDEX|Nifty 50","tick_size":10.0,"underlying_type":"INDEX",\
        "trading_symbol":"\(underlying) FUT \(date)","strike_price":0.0,"qty_multiplier":1.0}
        """
    }

    static func option(_ token: String, strike: Int, type: String, weekly: Bool, expiry: String, date: String) -> String {
        """
        {"weekly":\(weekly),"segment":"NSE_FO","name":"NIFTY","exchange":"NSE","expiry":\(expiry),\
        "instrument_type":"\(type)","asset_symbol":"NIFTY","underlying_symbol":"NIFTY",\
        "instrument_key":"NSE_FO|\(token)","lot_size":65,"freeze_quantity":1800.0,"exchange_token":"\(token)",\
        "minimum_lot":65,"underlying_key":"NSE_INDEX|Nifty 50","tick_size":5.0,"underlying_type":"INDEX",\
        "trading_symbol":"NIFTY \(strike) \(type) \(date)","strike_price":\(strike).0,"qty_multiplier":1.0}
        """
    }

    static let niftyIndex = """
        {"segment":"NSE_INDEX","name":"Nifty 50","exchange":"NSE","instrument_type":"INDEX",\
        "instrument_key":"NSE_INDEX|Nifty 50","exchange_token":"26000","trading_symbol":"NIFTY"}
        """

    static func array(_ records: [String]) -> String { "[\n" + records.joined(separator: ",\n") + "\n]" }

    /// Day 1: six instruments.
    static let day1: [String] = [
        equity("RELIANCE", isin: "INE002A01018", token: "2885", name: "RELIANCE INDUSTRIES LTD", tick: "10.0"),
        equity("TCS", isin: "INE467B01029", token: "11536", name: "TATA CONSULTANCY SERV LT", tick: "10.0"),
        equity("JOCIL", isin: "INE839G01010", token: "16927", name: "JOCIL LIMITED", tick: "1.0"),
        equity("SBIN", isin: "INE062A01020", token: "3045", name: "STATE BANK OF INDIA"),
        niftyIndex,
        future("52168"),
    ]

    /// Day 2: TCS removed, INFY added, SBIN's tick changed, JOCIL moved EQ → BE (new token).
    static let day2: [String] = [
        equity("RELIANCE", isin: "INE002A01018", token: "2885", name: "RELIANCE INDUSTRIES LTD", tick: "10.0"),
        equity("INFY", isin: "INE009A01021", token: "1594", name: "INFOSYS LIMITED", tick: "10.0"),
        equity("JOCIL", isin: "INE839G01010", token: "16931", series: "BE", name: "JOCIL LIMITED", tick: "1.0"),
        equity("SBIN", isin: "INE062A01020", token: "3045", name: "STATE BANK OF INDIA", tick: "10.0"),
        niftyIndex,
        future("52168"),
    ]
}

/// Loads the demo data set into a workspace and returns a refreshed service.
func seededService(_ ws: TempWorkspace, clock: ManualInstantClock = ManualInstantClock(Fixtures.nov25At0700))
    async throws -> ReferenceDataService
{
    let service = ReferenceDataService(writer: ws.pool, clock: clock)
    let reports = try await ReferenceDataSeeder.seedIfEmpty(service.loader, directory: Fixtures.seedsDirectory)
    precondition(reports.count >= 10 && reports.allSatisfy { $0.status == .succeeded && $0.rejectedCount == 0 },
                 "seeds did not load: \(reports.map(\.summary))")
    try await service.refresh()
    return service
}
