import Foundation
import GRDB
import OMSPersistence
import OMSTestSupport
import Testing

/// Rows of `vega_trade.db` that hold what their columns should not (a hand edit, a damaged copy) never crash
/// `vega-oms`: an unreadable order is named and left out, an unreadable position or risk limit stops the start
/// with a message naming the column. (GRDB's row subscripts trap on a value they cannot convert; the stores
/// decode with its throwing calls.)
@Suite(.serialized)
struct VegaOMSDamagedStoreTests {
    static let clock = ["--clock", "simulated=2026-11-26T10:00:00+05:30"]

    /// Starts a server in `dir`, places `orders` resting CNC buys of RELIANCE through trader-cli, and stops it.
    static func serverWithOrders(_ dir: String, orders: Int) async throws {
        let p = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, clock))
        try await p.start()
        for _ in 0..<orders {
            let r = try await ToolRun.run("trader-cli", ["place-order", "--broker", "PAPER", "--symbol", "RELIANCE",
                                                         "--qty", "5", "--product", "CNC", "--price", "1400",
                                                         "--server", "http://127.0.0.1:\(p.httpPort)"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        p.terminate()
        _ = try await p.exit()
    }

    static func edit(_ dir: String, _ sql: String) throws {
        let db = try DatabaseQueue(path: dir + "/vega_trade.db")
        try db.write { try $0.execute(sql: sql) }
        try db.close()
    }

    @Test func anUnreadableOrderIsNamedAndTheOthersComeBack() async throws {
        let dir = NSTemporaryDirectory() + "vega-damaged-\(UUID().uuidString)"
        try await Self.serverWithOrders(dir, orders: 2)
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

        let p = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, Self.clock))
        await #expect(throws: VegaOMSProcess.ProcessError.self) { try await p.start() }
        let errors = try await p.exit()
        #expect(p.process.terminationReason == .exit && p.process.terminationStatus == 2,
                "status \(p.process.terminationStatus): \(errors)")
        #expect(errors.contains("holds a row that cannot be read back") && errors.contains("column: \"\(column)\""),
                "\(errors)")
    }
}
