import Foundation
import GRDB
import OMSPersistence
import OMSTestSupport
import Testing

/// Rows of `vega_trade.db` that hold what their columns should not (a hand edit, a damaged copy) never crash
/// `vega-oms`: an unreadable closed order is named and left out; an unreadable open order, position, risk limit
/// or sequence number stops the start with a message naming it. (GRDB's row subscripts trap on a value they
/// cannot convert; the stores decode with its throwing calls.)
@Suite(.serialized)
struct VegaOMSDamagedStoreTests {
    static let clock = ["--clock", "simulated=2026-11-26T10:00:00+05:30"]

    /// Starts a server in `dir`, places `orders` resting CNC buys of RELIANCE through trader-cli (O-1, O-2, …),
    /// cancels the first `cancelled` of them, and stops it.
    static func serverWithOrders(_ dir: String, orders: Int, cancelled: Int = 0) async throws {
        let p = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, clock))
        try await p.start()
        let api = ["--server", "http://127.0.0.1:\(p.httpPort)"]
        for _ in 0..<orders {
            let r = try await ToolRun.run("trader-cli", ["place-order", "--broker", "PAPER", "--symbol", "RELIANCE",
                                                         "--qty", "5", "--product", "CNC", "--price", "1400"] + api)
            #expect(r.status == 0, "\(r.stderr)")
        }
        for n in 0..<cancelled {
            let r = try await ToolRun.run("trader-cli", ["cancel", "O-\(n + 1)"] + api)
            #expect(r.status == 0, "\(r.stderr)")
        }
        p.terminate()
        _ = try await p.exit()
    }

    /// Starts a server on `dir`'s database, expects it to stop with status 2 before its banner, and returns what
    /// it wrote on standard error.
    static func startStops(_ dir: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let p = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, clock))
        await #expect(throws: VegaOMSProcess.ProcessError.self, sourceLocation: sourceLocation) { try await p.start() }
        let errors = try await p.exit()
        #expect(p.process.terminationReason == .exit && p.process.terminationStatus == 2,
                "status \(p.process.terminationStatus): \(errors)", sourceLocation: sourceLocation)
        return errors
    }

    static func edit(_ dir: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: dir + "/vega_trade.db")
        try db.write { try $0.execute(sql: sql) }
        try db.close()
    }

    /// A closed order that cannot be read back is left out and named; the open ones come back and work.
    @Test func anUnreadableClosedOrderIsNamedAndTheOthersComeBack() async throws {
        let dir = NSTemporaryDirectory() + "vega-damaged-\(UUID().uuidString)"
        try await Self.serverWithOrders(dir, orders: 2, cancelled: 1)
        try Self.edit(dir, "UPDATE clientOrder SET cumQty = 'abc' WHERE id = 'O-1'")

        let p = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, Self.clock))
        try await p.start()
        defer { p.terminate() }
        #expect(try await p.waitForError(containing: "1 stored orders cannot be read back and are not restored: O-1"),
                "\(p.errorsSoFar)")
        let api = ["--server", "http://127.0.0.1:\(p.httpPort)"]
        let list = try await ToolRun.run("trader-cli", ["orders"] + api)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("stored orders that cannot be read back: O-1"), "\(list.stdout)")
        let other = try await ToolRun.run("trader-cli", ["order-status", "O-2"] + api)
        #expect(other.status == 0 && other.stdout.contains("order O-2"), "\(other.stdout)\(other.stderr)")
        let cancel = try await ToolRun.run("trader-cli", ["cancel", "O-2"] + api)
        #expect(cancel.status == 0, "\(cancel.stderr)")
    }

    /// An open order that cannot be read back may be live at its broker: leaving it out would lose its fills and
    /// its risk without a trace, so the start stops with status 2 and names it.
    @Test func anUnreadableOpenOrderStopsTheStartNamingIt() async throws {
        let dir = NSTemporaryDirectory() + "vega-damaged-\(UUID().uuidString)"
        try await Self.serverWithOrders(dir, orders: 2)
        try Self.edit(dir, "UPDATE clientOrder SET cumQty = 'abc' WHERE id = 'O-2'")
        let errors = try await Self.startStops(dir)
        #expect(errors.contains("holds 1 open orders whose rows cannot be read back") && errors.contains(": O-2."),
                "\(errors)")
    }

    @Test(arguments: [
        ("UPDATE clientRiskLimit SET availableMargin = 'lots' WHERE clientID = 'DEMO01'", "availableMargin"),
        ("UPDATE fixSession SET nextSenderMsgSeqNum = 'ten'", "nextSenderMsgSeqNum"),
        ("""
         INSERT INTO position (client, broker, instrumentKey, product, symbol, tradingDay, carriedQuantity, dayBuyQuantity,
             dayBuyValue, daySellQuantity, daySellValue, netQuantity, openCost, realised, updatedAt)
         VALUES ('DEMO01', 'PAPER', 'NSE_EQ|INE002A01018', 'CNC', 'RELIANCE', 20418, 0, 0, 0, 0, 0, 'x', 0, 0, 0)
         """, "netQuantity"),
    ])
    func anUnreadableLimitSequenceNumberOrPositionStopsTheStartNamingIt(sql: String, column: String) async throws {
        let dir = NSTemporaryDirectory() + "vega-damaged-\(UUID().uuidString)"
        try await Self.serverWithOrders(dir, orders: 0)
        try Self.edit(dir, sql)
        let errors = try await Self.startStops(dir)
        #expect(errors.contains("holds a row that cannot be read back") && errors.contains("column: \"\(column)\""),
                "\(errors)")
    }
}
