import FIXGateway
import FIXProtocol
import Foundation
import OMSTestSupport
import Testing

/// Every risk rejection through a real FIX socket of the real vega-oms process (one process, many orders), with
/// the limits set by the real trader-cli process over REST while the server runs.
@Suite(.serialized)
struct VegaOMSRiskProcessTests {
    /// A logged-on CLIENT1 session that sends NewOrderSingles and waits for the report that answers each.
    final class Desk {
        let client: FIXTestClient
        var seq = 1
        var next = 1

        /// - Parameter reset: log on with ResetSeqNumFlag (after a restart, without knowing the stored numbers).
        init(port: Int, reset: Bool = false) async throws {
            client = try await FIXTestClient.connect(port: port)
            try await client.send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=120|\(reset ? "141=Y|" : "")553=CLIENT1|554=demo|")
            guard await client.receive()?.msgType == "A" else { throw VegaOMSProcess.ProcessError(message: "no logon") }
        }

        /// Sends an order (`fields` in FIX test notation, e.g. `1=RISK01|38=10|40=2|44=1500.00|54=1|55=RELIANCE|207=NSE|`)
        /// and returns the first ExecutionReport for it that is a rejection (150=8) or an acknowledgement (150=0).
        func order(_ fields: String) async throws -> FIXMessage {
            seq += 1
            let id = "R-\(next)"
            next += 1
            try await client.send("8=FIX.4.4|35=D|34=\(seq)|49=CLIENT1|52=<TIME>|56=VEGA|11=\(id)|21=1|59=0|60=<TIME>|\(fields)")
            while let m = await client.receive(timeout: .seconds(30)) {
                if m.msgType == "8", m.string(11) == id, ["8", "0"].contains(m.string(150) ?? "") { return m }
            }
            throw VegaOMSProcess.ProcessError(message: "no report for \(id) (\(fields))")
        }
    }

    /// The real trader-cli process against `server`'s REST API.
    static func cli(_ args: [String], _ server: VegaOMSProcess) async throws -> ChildProcess {
        try await ToolRun.run("trader-cli", args + ["--server", "http://127.0.0.1:\(server.httpPort)"])
    }

    /// A vega-oms on a fresh database at 2026-11-26 10:00 IST with the limits `limits` set over the CLI (`limits set`
    /// arguments); its arguments too, to start it again on the same database.
    static func started(_ name: String, limits: [String]) async throws -> (args: [String], server: VegaOMSProcess) {
        let dir = NSTemporaryDirectory() + "vega-\(name)-\(UUID().uuidString)"
        let args = VegaOMSProcess.arguments(in: dir, ["--clock", "simulated=2026-11-26T10:00:00+05:30"])
        let server = VegaOMSProcess(arguments: args)
        try await server.start()
        let set = try await cli(["limits", "set"] + limits + ["--by", "risk-test"], server)
        #expect(set.status == 0, "\(set.stderr)")
        return (args, server)
    }

    static let reliance = "55=RELIANCE|207=NSE|"
    static let yesbank = "55=YESBANK|207=NSE|"
    /// NIFTY FUT 29 DEC 26 by exchange token (lot 65, freeze 1800, tick 0.10).
    static let niftyFuture = "55=NIFTY|48=52101|22=8|207=NSE|167=FUT|"

    func expectRejected(_ m: FIXMessage, code: String, reason: Int, text: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(m.string(150) == "8" && m.string(39) == "8", sourceLocation: sourceLocation)
        #expect(m.int(103) == reason, sourceLocation: sourceLocation)
        #expect(m.string(5006) == code, sourceLocation: sourceLocation)
        #expect(m.string(58)?.hasPrefix(text) == true, "58=\(m.string(58) ?? "nil")", sourceLocation: sourceLocation)
    }

    @Test func everyRiskRejectionReachesTheClientAsAnExecutionReport() async throws {
        let dir = NSTemporaryDirectory() + "vega-risk-\(UUID().uuidString)"
        let server = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--clock", "simulated=2026-11-26T10:00:00+05:30"]))
        try await server.start()
        defer { server.terminate() }
        func cli(_ args: [String]) async throws -> ChildProcess { try await Self.cli(args, server) }

        // A new client's limits, set through trader-cli (audited as `risk-test`).
        let set = try await cli(["limits", "set", "RISK01", "--max-order-value", "100000", "--max-order-quantity", "5000",
                           "--max-open-orders", "2", "--available-margin", "100000", "--intraday-var-limit", "100",
                           "--symbol-order-cap", "NSE_EQ|INE002A01018=50", "--by", "risk-test"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("risk-test maxOrderValue: off -> 100000.00"))
        let d = try await Desk(port: server.port)
        let r = "1=RISK01|"

        // Price on the tick (RELIANCE: ₹0.10), within the day's band (1388.05–1696.55), lot multiple (NIFTY: 65).
        expectRejected(try await d.order(r + "38=10|40=2|44=1500.05|54=1|" + Self.reliance), code: "BAD_TICK", reason: 99,
                       text: "BAD_TICK: field=limitPrice tick=0.10 value=1500.05")
        expectRejected(try await d.order(r + "38=10|40=2|44=1700.00|54=1|" + Self.reliance), code: "RISK_PRICE_BAND",
                       reason: 99, text: "RISK_PRICE_BAND: field=limitPrice lower=1388.05 upper=1696.55 value=1700.00")
        expectRejected(try await d.order(r + "38=100|40=2|44=26200.00|54=1|" + Self.niftyFuture), code: "BAD_QTY",
                       reason: 13, text: "BAD_QTY: rule=notLotMultiple lot=65 value=100")
        // Freeze quantity 1800 (28 lots = 1820) without 5012=Y.
        expectRejected(try await d.order(r + "38=1820|40=2|44=26200.00|54=1|" + Self.niftyFuture), code: "RISK_QTY_CAP",
                       reason: 3, text: "RISK_QTY_CAP: rule=freezeQuantity instrument=NSE_FO|52101 limit=1800 value=1820")
        // The client's symbol cap on RELIANCE (50 per order).
        expectRejected(try await d.order(r + "38=60|40=2|44=1400.00|54=1|" + Self.reliance), code: "RISK_QTY_CAP",
                       reason: 3, text: "RISK_QTY_CAP: rule=symbolOrderQuantity instrument=NSE_EQ|INE002A01018 limit=50 value=60")
        // Client limits: order quantity, then order value.
        expectRejected(try await d.order(r + "38=5001|40=2|44=18.00|54=1|" + Self.yesbank), code: "RISK_CLIENT_LIMIT",
                       reason: 3, text: "RISK_CLIENT_LIMIT: rule=maxOrderQuantity limit=5000 value=5001")
        expectRejected(try await d.order(r + "38=5000|40=2|44=21.00|54=1|" + Self.yesbank), code: "RISK_CLIENT_LIMIT",
                       reason: 3, text: "RISK_CLIENT_LIMIT: rule=maxOrderValue limit=100000.00 value=105000.00")
        // Intraday VaR of an MIS buy above ₹100.
        expectRejected(try await d.order(r + "38=40|40=2|44=1400.00|54=1|5001=MIS|" + Self.reliance),
                       code: "RISK_MARGIN", reason: 3, text: "RISK_MARGIN: rule=intradayVaR limit=100.00 value=")
        // Market protection above 25 %.
        expectRejected(try await d.order(r + "38=10|40=1|54=1|5004=30|" + Self.reliance), code: "UNSUPPORTED",
                       reason: 11, text: "UNSUPPORTED: rule=marketProtectionPct lower=0 upper=25 value=30")
        // No short delivery: a CNC sell of shares the client does not hold (an MIS sell may go first).
        expectRejected(try await d.order(r + "38=10|40=2|44=1500.00|54=2|5001=CNC|" + Self.reliance), code: "RISK_HOLDINGS",
                       reason: 3, text: "RISK_HOLDINGS: rule=deliverySell instrument=NSE_EQ|INE002A01018 product=CNC free=0 value=10")
        // An index (NIFTY 50 by exchange token) is not tradable; the text names its segment.
        expectRejected(try await d.order(r + "38=10|40=2|44=26000.00|54=1|55=NIFTY|48=26000|22=8|207=NSE|"),
                       code: "UNSUPPORTED", reason: 11,
                       text: "UNSUPPORTED: segment NSE_INDEX is not tradable (an index) date=")

        // Open orders: two resting buys (far below the market) pass, the third does not.
        for _ in 0..<2 { #expect(try await d.order(r + "38=10|40=2|44=1400.00|54=1|" + Self.reliance).string(150) == "0") }
        expectRejected(try await d.order(r + "38=10|40=2|44=1400.00|54=1|" + Self.reliance), code: "RISK_CLIENT_LIMIT",
                       reason: 3, text: "RISK_CLIENT_LIMIT: rule=maxOpenOrders limit=2 value=3")
        // What the client uses now, as the risk engine books it, through the CLI: the two resting buys.
        let inUse = try await cli(["limits", "show", "RISK01"])
        #expect(inUse.status == 0, "\(inUse.stderr)")
        #expect(inUse.stdout.contains("In use: 2 open orders worth 28000.00"), "\(inUse.stdout)")
        let rows = inUse.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains(["NSE_EQ|INE002A01018", "CNC", "0", "20", "0"]), "\(inUse.stdout)")
        // A change made while the server runs applies to the next order: open value instead of open orders.
        #expect(try await cli(["limits", "set", "RISK01", "--max-open-orders", "off", "--max-open-value", "30000",
                         "--by", "risk-test"]).status == 0)
        expectRejected(try await d.order(r + "38=10|40=2|44=1400.00|54=1|" + Self.reliance), code: "RISK_CLIENT_LIMIT",
                       reason: 3, text: "RISK_CLIENT_LIMIT: rule=maxOpenValue limit=30000.00 value=42000.00")

        // SPAN: one NIFTY lot needs more than ₹100000; with more margin it passes.
        #expect(try await cli(["limits", "set", "RISK01", "--max-order-value", "5000000", "--max-open-value", "off",
                         "--by", "risk-test"]).status == 0)
        let span = try await d.order(r + "38=65|40=2|44=26000.00|54=1|" + Self.niftyFuture)
        expectRejected(span, code: "RISK_MARGIN", reason: 3, text: "RISK_MARGIN: rule=spanMargin required=")
        #expect(span.string(58)?.hasSuffix(" available=100000.00") == true)
        #expect(try await cli(["limits", "set", "RISK01", "--available-margin", "1000000", "--by", "risk-test"]).status == 0)
        #expect(try await d.order(r + "38=65|40=2|44=26000.00|54=1|" + Self.niftyFuture).string(150) == "0")
        let margin = try await cli(["margin", "RISK01"])
        #expect(margin.status == 0, "\(margin.stderr)")
        #expect(margin.stdout.contains("Scan risk") && margin.stdout.contains("NSE_INDEX|Nifty 50"))
        #expect(margin.stdout.split(separator: "\n").contains { $0.hasPrefix("  Available ") && $0.hasSuffix(" 1000000.00") })

        // Daily loss: DEMO04 carries 5000 YESBANK bought at ₹25.00, now about ₹22.4 (a loss above its ₹10000):
        // a new buy is refused, a sell that reduces the position passes.
        expectRejected(try await d.order("1=DEMO04|38=10|40=2|44=20.00|54=1|" + Self.yesbank), code: "RISK_CLIENT_LIMIT",
                       reason: 3, text: "RISK_CLIENT_LIMIT: rule=maxDailyLoss limit=10000.00 value=")
        #expect(try await d.order("1=DEMO04|38=100|40=2|44=26.90|54=2|" + Self.yesbank).string(150) == "0")
        // A client without limits is refused (fail closed).
        expectRejected(try await d.order("1=NOLIMITS|38=1|40=2|44=1400.00|54=1|" + Self.reliance),
                       code: "RISK_CLIENT_LIMIT", reason: 3, text: "RISK_CLIENT_LIMIT: rule=limitsNotConfigured client=NOLIMITS")

        // A client id with a space (trader-cli percent-encodes it in the path; the server decodes it): the limits
        // belong to `DESK 7`, whose FIX orders (1=DESK 7) then pass, not to a client named `DESK%207`.
        let spaced = try await cli(["limits", "set", "DESK 7", "--max-order-value", "100000", "--max-order-quantity", "100",
                                    "--available-margin", "100000", "--by", "risk-test"])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        let shown = try await cli(["limits", "show", "DESK 7"])
        #expect(shown.status == 0 && shown.stdout.contains("risk-test maxOrderQuantity: off -> 100"), "\(shown.stdout)")
        #expect(try await d.order("1=DESK 7|38=1|40=2|44=1400.00|54=1|" + Self.reliance).string(150) == "0")
        expectRejected(try await d.order("1=DESK 7|38=101|40=2|44=1400.00|54=1|" + Self.reliance), code: "RISK_CLIENT_LIMIT",
                       reason: 3, text: "RISK_CLIENT_LIMIT: rule=maxOrderQuantity")

        // The audit shows who changed what.
        let show = try await cli(["limits", "show", "RISK01"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("risk-test availableMargin: 100000.00 -> 1000000.00"))
        #expect(show.stdout.contains("maxOpenValue      off"))
        await d.client.close()
    }

    /// Cash-market orders draw on the client's funds: CNC buys their value, MIS and MTF their margin from the
    /// seeded lists (RELIANCE: MIS 20 %, MTF bracket 26.5 %); a cancel through trader-cli gives the funds back.
    @Test func cashOrdersDrawOnTheClientsFunds() async throws {
        let (_, server) = try await Self.started("risk-funds", limits: ["FUND01", "--max-order-value", "1000000",
                                                                        "--available-margin", "150000"])
        defer { server.terminate() }
        func cli(_ args: [String]) async throws -> ChildProcess { try await Self.cli(args, server) }
        let d = try await Desk(port: server.port)
        let f = "1=FUND01|40=2|44=1400.00|54=1|" + Self.reliance  // resting buys, below the market

        let first = try await d.order(f + "38=100|5001=CNC|")  // 140000.00
        #expect(first.string(150) == "0")
        expectRejected(try await d.order(f + "38=10|5001=CNC|"), code: "RISK_MARGIN", reason: 3,
                       text: "RISK_MARGIN: rule=funds required=154000.00 available=150000.00")
        #expect(try await d.order(f + "38=10|5001=MIS|").string(150) == "0")  // 2800.00
        #expect(try await d.order(f + "38=10|5001=MTF|").string(150) == "0")  // 3710.00
        expectRejected(try await d.order(f + "38=20|5001=MIS|"), code: "RISK_MARGIN", reason: 3,
                       text: "RISK_MARGIN: rule=funds required=152110.00 available=150000.00")
        let margin = try await cli(["margin", "FUND01", "--json"])
        #expect(margin.status == 0, "\(margin.stderr)")
        #expect(margin.stdout.contains("\"cashOrdersBlocked\" : \"146510\""), "\(margin.stdout)")
        let table = try await cli(["margin", "FUND01"])
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("  Cash: working orders") && $0.hasSuffix(" 146510.00") },
                "\(table.stdout)")

        let id = try #require(first.string(37))
        let cancel = try await cli(["cancel", id])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(try await d.order(f + "38=20|5001=MIS|").string(150) == "0")
        await d.client.close()
    }

    /// Open orders count against the client's limits after a kill -9 and restart as they did before it.
    @Test func openOrdersStillCountAgainstLimitsAfterKill9() async throws {
        let (args, first) = try await Self.started("risk-restart", limits: ["RISK02", "--max-open-orders", "2"])
        let d = try await Desk(port: first.port)
        // Two resting buys far below the market.
        for _ in 0..<2 { #expect(try await d.order("1=RISK02|38=10|40=2|44=1400.00|54=1|" + Self.reliance).string(150) == "0") }
        await first.kill9()
        await d.client.close()

        let second = VegaOMSProcess(arguments: args)
        try await second.start()
        defer { second.terminate() }
        let e = try await Desk(port: second.port, reset: true)
        e.next = 10
        expectRejected(try await e.order("1=RISK02|38=10|40=2|44=1400.00|54=1|" + Self.reliance), code: "RISK_CLIENT_LIMIT",
                       reason: 3, text: "RISK_CLIENT_LIMIT: rule=maxOpenOrders limit=2 value=3")
        await e.client.close()
    }

    /// The funds a client uses — a resting CNC buy and a filled MIS position — are in use again after a kill -9
    /// and restart: the margin statement is the same, and the next buy is refused for the same funds.
    @Test func fundsInUseComeBackAfterKill9() async throws {
        let (args, first) = try await Self.started("risk-funds-restart", limits: ["FUND02", "--available-margin", "150000"])
        let d = try await Desk(port: first.port)
        #expect(try await d.order("1=FUND02|38=100|40=2|44=1400.00|54=1|5001=CNC|" + Self.reliance).string(150) == "0")
        // A marketable MIS buy: wait until it is filled (and so stored).
        let mis = try await d.order("1=FUND02|38=10|40=2|44=1650.00|54=1|5001=MIS|" + Self.reliance)
        #expect(mis.string(150) == "0")
        var filled = false
        while !filled, let m = await d.client.receive(timeout: .seconds(30)) {
            filled = m.msgType == "8" && m.string(11) == mis.string(11) && m.string(39) == "2"
        }
        #expect(filled)
        let before = try await Self.cli(["margin", "FUND02", "--json"], first)
        #expect(before.status == 0 && before.stdout.contains("\"cashOrdersBlocked\" : \"140000\""), "\(before.stdout)")
        #expect(!before.stdout.contains("\"intradayMargin\" : \"0\""), "\(before.stdout)")
        await first.kill9()
        await d.client.close()

        let second = VegaOMSProcess(arguments: args)
        try await second.start()
        defer { second.terminate() }
        let after = try await Self.cli(["margin", "FUND02", "--json"], second)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout == before.stdout)
        let e = try await Desk(port: second.port, reset: true)
        e.next = 10
        expectRejected(try await e.order("1=FUND02|38=10|40=2|44=1400.00|54=1|5001=CNC|" + Self.reliance),
                       code: "RISK_MARGIN", reason: 3, text: "RISK_MARGIN: rule=funds required=15")
        await e.client.close()
    }

    @Test func cliRefusesBadArgumentsWithAMessage() async throws {
        let bad = try await ToolRun.run("trader-cli", ["limits", "set", "DEMO01", "--max-daily-loss=-5", "--by", "x"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("maxDailyLoss: `-5` is not a rupee amount ≥ 0"))
        let none = try await ToolRun.run("trader-cli", ["limits", "set", "DEMO01", "--by", "x"])
        #expect(none.status != 0 && none.stderr.contains("give at least one limit to change"))
        let cap = try await ToolRun.run("trader-cli", ["limits", "set", "DEMO01", "--symbol-order-cap", "RELIANCE", "--by", "x"])
        #expect(cap.status != 0 && cap.stderr.contains("is not INSTRUMENT_KEY=QTY"))
        let down = try await ToolRun.run("trader-cli", ["margin", "DEMO01", "--server", "http://127.0.0.1:9"])
        #expect(down.status == 2 && down.stderr.contains("cannot reach the server"))
    }

    /// README.md carries the table `vega-oms reject-codes` prints, between its markers.
    @Test func readmeRejectCodeTableIsTheGeneratedOne() throws {
        let readme = try String(contentsOf: Files.root.appendingPathComponent("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: RejectCodeTable.beginMarker), "README has no reject-code table")
        let end = try #require(readme.range(of: RejectCodeTable.endMarker))
        let table = readme[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .newlines)
        #expect(table == RejectCodeTable.markdown.trimmingCharacters(in: .newlines),
                "README's reject-code table is out of date: run `swift run vega-oms reject-codes --markers`")
    }
}
