import FIXProtocol
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OMSTestSupport
import Testing

/// The order lifecycle through the real `vega-oms` process: FIX client, drop copy, REST and the
/// `trader-cli` process against one server, then kill -9 and a restart.
@Suite(.serialized)
struct VegaOMSOrderFlowTests {
    static func http(_ method: String, _ url: String, body: String? = nil) async throws -> (Int, [String: Any]) {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = method
        if let body { r.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: r)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, json)
    }

    /// Reads `n` messages (fewer if the peer goes quiet).
    static func read(_ c: FIXTestClient, _ n: Int, timeout: Duration = .seconds(30)) async -> [FIXMessage] {
        var got: [FIXMessage] = []
        for _ in 0..<n { if let m = await c.receive(timeout: timeout) { got.append(m) } }
        return got
    }

    /// A market order's protection price (5004: the worst price it may fill at, worked out by the risk engine)
    /// goes to the broker with it: with 2 % adverse slippage in the paper market, a buy with 1 % protection fills
    /// at the protection price (≤ 1542.30 × 1.01, up to the tick), not at market + 2 % (1573.15).
    @Test func aMarketOrdersProtectionPriceReachesTheBroker() async throws {
        let dir = NSTemporaryDirectory() + "vega-protect-\(UUID().uuidString)"
        let server = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--paper-volatility-bps", "0",
                                                                                  "--paper-slippage-bps", "200"]))
        try await server.start()
        defer { server.terminate() }
        let c = try await FIXTestClient.connect(port: server.port)
        try await c.send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=120|553=CLIENT1|554=demo|")
        #expect(await c.receive()?.msgType == "A")
        try await c.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=M-1|21=1|38=1|40=1|54=1|55=RELIANCE|59=0|60=<TIME>|207=NSE|5001=CNC|5004=1|")
        let reports = await Self.read(c, 3)
        #expect(reports.map { $0.string(150) ?? "" } == ["A", "0", "F"], "\(reports.map { String(decoding: $0.bytes, as: UTF8.self) })")
        let px = try #require(reports.last?.string(31).flatMap { Double($0) })
        #expect(px > 1542.30 && px <= 1557.80, "filled at \(px)")
        await c.close()
    }

    /// The session flags reach the running server: at 15:17 on a trading day RELIANCE (it has derivatives) is in
    /// the closing auction's reference-price phase — no entry — while a stock without derivatives is still in
    /// its normal market; and no new MIS exposure is taken after the intraday cut-off. (With the default flags
    /// RELIANCE traded on to 15:30.)
    @Test func theClosingAuctionAndTheIntradayCutOffApplyInTheServer() async throws {
        let dir = NSTemporaryDirectory() + "vega-cas-\(UUID().uuidString)"
        let server = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--clock", "simulated=2026-11-30T15:17:00+05:30"]))
        try await server.start()
        defer { server.terminate() }
        let api = "http://127.0.0.1:\(server.httpPort)"
        let (cas, casBody) = try await Self.http("POST", api + "/api/order/place",
                                                 body: #"{"symbol":"RELIANCE","quantity":1,"price":"1540.00","product":"CNC"}"#)
        #expect(cas == 422 && casBody["code"] as? String == "SESSION_NO_ENTRY", "\(casBody)")
        #expect((casBody["message"] as? String)?.contains("closingAuctionReference") == true, "\(casBody)")
        let (plain, plainBody) = try await Self.http("POST", api + "/api/order/place",
                                                     body: #"{"symbol":"JOCIL","quantity":1,"price":"180.00","product":"CNC"}"#)
        #expect(plain == 200, "\(plainBody)")
        let (mis, misBody) = try await Self.http("POST", api + "/api/order/place",
                                                 body: #"{"symbol":"YESBANK","quantity":1,"price":"20.00","product":"MIS"}"#)
        #expect(mis == 422 && misBody["code"] as? String == "TOO_LATE", "\(misBody)")
    }

    /// Every holiday file in seeds/sessions/ is read (only holidays-2026.csv was: from 2027 every weekday was a
    /// trading day unless the daily holiday file named it): with a 2027 list beside the shipped ones naming
    /// Wednesday 10-Mar-2027 (in no other file), an order that day is refused as on a holiday. A holiday file that
    /// does not read stops the start, named.
    @Test func everyHolidayFileOfTheSeedsIsRead() async throws {
        let dir = NSTemporaryDirectory() + "vega-hol-\(UUID().uuidString)"
        let seeds = dir + "/seeds"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: VegaOMSProcess.root.appendingPathComponent("seeds").path, toPath: seeds)
        try "date,exchange,segments,holiday_type,description\n2027-03-10,NSE|BSE,EQ|FO,TRADING_HOLIDAY,Short-notice closure\n"
            .write(toFile: seeds + "/sessions/holidays-2027.csv", atomically: true, encoding: .utf8)
        let server = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--seeds", seeds, "--clock", "simulated=2027-03-10T10:00:00+05:30"]))
        try await server.start()
        let (code, body) = try await Self.http("POST", "http://127.0.0.1:\(server.httpPort)/api/order/place",
                                               body: #"{"symbol":"RELIANCE","quantity":1,"price":"1540.00","product":"CNC"}"#)
        server.terminate()
        #expect(code == 422 && body["code"] as? String == "SESSION_CLOSED" && (body["message"] as? String)?.contains("holiday") == true, "\(body)")
        _ = try? await server.exit()
        try "date,exchange,segments,holiday_type,description\n2027-13-40,NSE,EQ,TRADING_HOLIDAY,nonsense\n"
            .write(toFile: seeds + "/sessions/holidays-2027.csv", atomically: true, encoding: .utf8)
        let bad = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir + "/2", ["--seeds", seeds]))
        try Spawn.run(bad.process)
        let stderr = try await bad.exit()
        #expect(bad.process.terminationStatus == 2 && stderr.contains("holidays-2027.csv"), "\(stderr)")
    }

    /// SocketAcceptHost in the settings is the address the acceptor binds (it was read and ignored: FIX listened
    /// on every interface whatever the file said).
    /// vega-oms started with the shipped `sessions/vega.cfg`, its line `line` followed by `added`.
    static func serverWithSettings(after line: String, _ added: String) async throws -> VegaOMSProcess {
        let dir = NSTemporaryDirectory() + "vega-cfg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let shipped = try String(contentsOf: VegaOMSProcess.root.appendingPathComponent("sessions/vega.cfg"), encoding: .utf8)
        let cfg = dir + "/local.cfg"
        try shipped.replacingOccurrences(of: line, with: line + "\n" + added).write(toFile: cfg, atomically: true, encoding: .utf8)
        let server = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--config", cfg]))
        try await server.start()
        return server
    }

    @Test func socketAcceptHostIsTheAddressTheAcceptorBinds() async throws {
        let server = try await Self.serverWithSettings(after: "SocketAcceptPort=9878", "SocketAcceptHost=127.0.0.1")
        defer { server.terminate() }
        #expect(server.banner.contains("FIX 4.4 acceptor on port \(server.port) (127.0.0.1)"), "\(server.banner)")
        let c = try await FIXTestClient.connect(port: server.port)
        try await c.send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=120|553=CLIENT1|554=demo|")
        #expect(await c.receive()?.msgType == "A")
        await c.close()
    }

    /// A DropCopyClients entry that names no session and no client with risk limits is warned about at start
    /// (a misspelt client's reports never reached the drop copy, silently).
    @Test func aMisspeltDropCopyClientIsWarnedAbout() async throws {
        let server = try await Self.serverWithSettings(after: "DropCopy=Y", "DropCopyClients=CLIENT1,DEMO01,CLEINT1")
        defer { server.terminate() }
        #expect(try await server.waitForError(containing: "DropCopyClients of DROPCOPY names CLEINT1"), "\(server.errorsSoFar)")
        #expect(!server.errorsSoFar.contains("names CLIENT1") && !server.errorsSoFar.contains("names DEMO01"))
    }

    @Test func orderLifecycleOverFIXRESTAndCLISurvivesKill9() async throws {
        let dir = NSTemporaryDirectory() + "vega-flow-\(UUID().uuidString)"
        // Prices stand still (volatility 0) and the paper market fills at most 3 per one-second step.
        let args = VegaOMSProcess.arguments(in: dir, ["--paper-max-fill", "3", "--paper-volatility-bps", "0"])
        let first = VegaOMSProcess(arguments: args)
        try await first.start()
        let api = "http://127.0.0.1:\(first.httpPort)"
        let c = try await FIXTestClient.connect(port: first.port)
        try await c.send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=120|553=CLIENT1|554=demo|")
        #expect(await c.receive()?.msgType == "A")
        let drop = try await FIXTestClient.connect(port: first.port)
        try await drop.send("8=FIX.4.4|35=A|34=1|49=DROPCOPY|52=<TIME>|56=VEGA|98=0|108=120|553=DROPCOPY|554=dropcopy|")
        #expect(await drop.receive()?.msgType == "A")

        // 1. Partial fills: a buy limit above the market (RELIANCE ≈ 1542) fills 3 + 3 + 3 + 1.
        try await c.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=P-1|21=1|38=10|40=2|44=1600.00|54=1|55=RELIANCE|59=0|60=<TIME>|207=NSE|5001=CNC|")
        let p1 = await Self.read(c, 6)
        #expect(p1.map { $0.string(150) ?? "" } == ["A", "0", "F", "F", "F", "F"])
        #expect(p1.map { $0.string(39) ?? "" } == ["A", "0", "1", "1", "1", "2"])
        #expect(p1.compactMap { $0.int(32) } == [3, 3, 3, 1])
        #expect(p1.compactMap { $0.int(14) } == [0, 0, 3, 6, 9, 10])
        #expect(p1.compactMap { $0.int(151) } == [10, 10, 7, 4, 1, 0])
        #expect(Set(p1.compactMap { $0.string(17) }).count == 6)   // ExecIDs are unique
        let orderID = try #require(p1.first?.string(37))
        #expect(p1.allSatisfy { $0.string(37) == orderID && $0.string(11) == "P-1" })
        #expect(p1.last?.string(6) == p1.last?.string(31))   // one price: AvgPx = LastPx
        // Echoed from the order (fix-mapping.md §5): OrdType, TimeInForce, Account; TransactTime on every report.
        #expect(p1.allSatisfy { $0.string(40) == "2" && $0.string(59) == "0" && $0.string(1) == "CLIENT1" && $0.string(99) == nil })
        #expect(p1.allSatisfy { $0.value(60).flatMap(FIXTimestamp.parse) != nil })

        // 2. A resting order (below the market), replaced, queried, then cancelled.
        try await c.send("8=FIX.4.4|35=D|34=3|49=CLIENT1|52=<TIME>|56=VEGA|11=R-1|21=1|38=5|40=2|44=1400.00|54=1|55=RELIANCE|59=0|60=<TIME>|207=NSE|")
        let r1 = await Self.read(c, 2)
        #expect(r1.map { $0.string(39) ?? "" } == ["A", "0"])
        try await c.send("8=FIX.4.4|35=G|34=4|49=CLIENT1|52=<TIME>|56=VEGA|11=R-2|41=R-1|21=1|38=8|40=2|44=1410.00|54=1|55=RELIANCE|60=<TIME>|")
        let r2 = await Self.read(c, 2)
        #expect(r2.map { $0.string(150) ?? "" } == ["E", "5"])
        #expect(r2.last?.int(38) == 8 && r2.last?.string(11) == "R-2" && r2.last?.string(41) == "R-1", "\(r2.last.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "")")
        #expect(r2.last.flatMap { $0.string(44) }.flatMap { Double($0) } == 1410)
        // A replace runs the pre-trade checks again: below RELIANCE's price band it is refused (35=9, 434=2,
        // 102=99, the rule in 58), and the order keeps its terms.
        try await c.send("8=FIX.4.4|35=G|34=5|49=CLIENT1|52=<TIME>|56=VEGA|11=R-2X|41=R-2|21=1|38=8|40=2|44=1300.00|54=1|55=RELIANCE|60=<TIME>|")
        let refused = try #require(await c.receive())
        #expect(refused.msgType == "9" && refused.string(434) == "2" && refused.int(102) == 99 && refused.string(41) == "R-2")
        #expect(refused.string(58)?.contains("RISK_PRICE_BAND") == true, "\(refused.string(58) ?? "")")
        try await c.send("8=FIX.4.4|35=H|34=6|49=CLIENT1|52=<TIME>|56=VEGA|11=R-2|54=1|55=RELIANCE|")
        let status = try #require(await c.receive())
        #expect(status.string(150) == "I" && status.string(39) == "0" && status.int(151) == 8)
        try await c.send("8=FIX.4.4|35=F|34=7|49=CLIENT1|52=<TIME>|56=VEGA|11=R-3|41=R-2|54=1|55=RELIANCE|60=<TIME>|")
        let r3 = await Self.read(c, 2)
        #expect(r3.map { $0.string(150) ?? "" } == ["6", "4"])
        #expect(r3.last?.string(39) == "4" && r3.last?.int(151) == 0 && r3.last?.string(11) == "R-3")

        // 3. Cancelling it again is too late (35=9, 102=0); an unknown OrigClOrdID gets 102=1; a duplicate
        //    ClOrdID is rejected with 103=6.
        try await c.send("8=FIX.4.4|35=F|34=8|49=CLIENT1|52=<TIME>|56=VEGA|11=R-4|41=R-3|54=1|55=RELIANCE|60=<TIME>|")
        let late = try #require(await c.receive())
        #expect(late.msgType == "9" && late.int(102) == 0)
        try await c.send("8=FIX.4.4|35=F|34=9|49=CLIENT1|52=<TIME>|56=VEGA|11=R-5|41=NOSUCH|54=1|55=RELIANCE|60=<TIME>|")
        let unknown = try #require(await c.receive())
        #expect(unknown.msgType == "9" && unknown.int(102) == 1 && unknown.string(41) == "NOSUCH")
        try await c.send("8=FIX.4.4|35=D|34=10|49=CLIENT1|52=<TIME>|56=VEGA|11=P-1|21=1|38=1|40=2|44=1400.00|54=1|55=RELIANCE|60=<TIME>|207=NSE|")
        let dup = try #require(await c.receive())
        #expect(dup.string(150) == "8" && dup.int(103) == 6 && dup.string(5006) == "DUPLICATE_CLORDID")

        // 4. An order that stays open over the restart.
        try await c.send("8=FIX.4.4|35=D|34=11|49=CLIENT1|52=<TIME>|56=VEGA|11=K-1|21=1|38=7|40=2|44=1400.00|54=1|55=RELIANCE|60=<TIME>|207=NSE|")
        let k1 = await Self.read(c, 2)
        #expect(k1.map { $0.string(39) ?? "" } == ["A", "0"])
        let openID = try #require(k1.last?.string(37))

        // 5. REST: an order placed over HTTP goes through the same pipeline and reaches the drop copy.
        let (placed, order) = try await Self.http("POST", api + "/api/order/place",
                                                  body: #"{"symbol":"RELIANCE","quantity":2,"side":"SELL","price":"1500.00","product":"CNC"}"#)
        #expect(placed == 200 && order["client"] as? String == "CLIENT1" && order["source"] as? String == "rest")
        let (rejected, why) = try await Self.http("POST", api + "/api/order/place", body: #"{"symbol":"NOSUCH","quantity":2}"#)
        #expect(rejected == 422 && why["code"] as? String == "UNKNOWN_INSTRUMENT")
        // The rejection is stored with the order.
        let rejectedID = try #require((why["message"] as? String)?.split(separator: " ").dropFirst().first.map(String.init))
        let (_, rejectedOrder) = try await Self.http("GET", api + "/api/order/status?id=\(rejectedID)")
        #expect(rejectedOrder["status"] as? String == "REJECTED" && rejectedOrder["rejectCode"] as? String == "UNKNOWN_INSTRUMENT")
        #expect((rejectedOrder["rejectReason"] as? String)?.contains("symbol=NOSUCH") == true)
        let (bad, badWhy) = try await Self.http("POST", api + "/api/order/place", body: #"{"symbol":"RELIANCE","quantity":"ten"}"#)
        #expect(bad == 400 && badWhy["code"] as? String == "INVALID_BODY")
        // Drop copy: every ExecutionReport — 6 + 2 + 2 + 1 (status) + 2 + 1 (duplicate) + 2 FIX reports, then the
        // REST order's three (A, 0, fill: it sells below the market) and the REST reject — and the OrderCancelRejects
        // of known orders (the refused replace, the cancel too late; not the one for an unknown order).
        let copies = await Self.read(drop, 22)
        #expect(copies.count == 22)
        #expect(copies.filter { $0.string(11)?.hasPrefix("REST-") == true }.map { $0.string(39) ?? "" } == ["A", "0", "2", "8"])
        #expect(copies.filter { $0.msgType == "8" }.count == 20)
        #expect(copies.filter { $0.msgType == "9" }.map { $0.string(11) ?? "" } == ["R-2X", "R-4"])

        // 6. The CLI process against the same server.
        let cliPlace = try await ToolRun.run("trader-cli", ["place-order", "--server", api, "--broker", "PAPER", "--symbol", "INFY",
                                                      "--qty", "3", "--product", "CNC", "--json"])
        #expect(cliPlace.status == 0, "\(cliPlace.stderr)")
        let cliOrder = try #require(try JSONSerialization.jsonObject(with: Data(cliPlace.stdout.utf8)) as? [String: Any])
        let cliID = try #require(cliOrder["orderId"] as? String)
        let cliStatus = try await ToolRun.run("trader-cli", ["order-status", cliID, "--server", api])
        #expect(cliStatus.status == 0 && cliStatus.stdout.contains("order \(cliID)") && cliStatus.stdout.contains("INFY (NSE)"))
        #expect(cliStatus.stdout.contains("type MARKET  validity DAY  product CNC  broker PAPER"), "\(cliStatus.stdout)")
        let cliCancel = try await ToolRun.run("trader-cli", ["cancel", openID, "--server", api])
        #expect(cliCancel.status == 0 && cliCancel.stdout.contains("PENDING_CANCEL"), "\(cliCancel.stdout) \(cliCancel.stderr)")
        let cancelReports = await Self.read(c, 2)
        #expect(cancelReports.map { $0.string(39) ?? "" } == ["6", "4"])   // the owner is told
        let cliUnknown = try await ToolRun.run("trader-cli", ["order-status", "O-999999", "--server", api])
        #expect(cliUnknown.status == 1 && cliUnknown.stderr.contains("UNKNOWN_ORDER"))   // refused (404)
        let cliBadQty = try await ToolRun.run("trader-cli", ["place-order", "--server", api, "--symbol", "INFY", "--qty", "0"])
        #expect(cliBadQty.status == 64 && cliBadQty.stderr.contains("--qty"))   // a bad argument
        let cliPortfolio = try await ToolRun.run("trader-cli", ["portfolio", "--server", api])
        #expect(cliPortfolio.status == 0 && cliPortfolio.stdout.contains("RELIANCE") && cliPortfolio.stdout.contains("CLIENT1"))
        // `orders`: newest first; the CLI's own order and the FIX order it cancelled are listed, `--open` keeps
        // only orders not yet closed.
        let cliOrders = try await ToolRun.run("trader-cli", ["orders", "--server", api, "--client", "CLIENT1"])
        let orderLines = cliOrders.stdout.split(separator: "\n")
        #expect(cliOrders.status == 0 && orderLines.first?.hasPrefix("ORDER") == true, "\(cliOrders.stdout) \(cliOrders.stderr)")
        #expect(orderLines.dropFirst().first?.hasPrefix(cliID + " ") == true, "\(cliOrders.stdout)")
        #expect(orderLines.contains { $0.hasPrefix(openID + " ") }, "\(cliOrders.stdout)")

        // 7. Another open order, then kill -9.
        try await c.send("8=FIX.4.4|35=D|34=12|49=CLIENT1|52=<TIME>|56=VEGA|11=K-2|21=1|38=4|40=2|44=1400.00|54=1|55=RELIANCE|60=<TIME>|207=NSE|")
        let k2 = await Self.read(c, 2)
        #expect(k2.map { $0.string(39) ?? "" } == ["A", "0"])
        let k2ID = try #require(k2.last?.string(37))
        // `orders --open`: K-2 is listed, no closed order is.
        let cliOpen = try await ToolRun.run("trader-cli", ["orders", "--server", api, "--open", "--json"])
        let openList = try #require(try JSONSerialization.jsonObject(with: Data(cliOpen.stdout.utf8)) as? [String: Any], "\(cliOpen.stderr)")
        let openOrders = (openList["orders"] as? [[String: Any]]) ?? []
        #expect(openList["openOnly"] as? Bool == true && openOrders.contains { $0["orderId"] as? String == k2ID }, "\(openOrders)")
        #expect(!openOrders.contains { ["FILLED", "CANCELED", "REJECTED"].contains($0["status"] as? String ?? "") }, "\(openOrders)")
        // A duplicate of the open K-2 is refused (and stored as a rejected order of its own): K-2 stays with
        // its order, after the restart too.
        try await c.send("8=FIX.4.4|35=D|34=13|49=CLIENT1|52=<TIME>|56=VEGA|11=K-2|21=1|38=2|40=1|54=2|55=INFY|60=<TIME>|207=NSE|")
        let k2dup = try #require(await c.receive())
        #expect(k2dup.int(103) == 6 && k2dup.string(37) != k2ID)
        let lastSeq = try #require(k2dup.int(34))
        let (_, before) = try await Self.http("GET", api + "/api/portfolio?client=CLIENT1")
        await first.kill9()
        await c.close()
        await drop.close()

        let second = VegaOMSProcess(arguments: args)
        try await second.start()
        defer { second.terminate() }
        let api2 = "http://127.0.0.1:\(second.httpPort)"
        // The open order is back, and so are the positions.
        let d = try await FIXTestClient.connect(port: second.port)
        try await d.send("8=FIX.4.4|35=A|34=14|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=120|553=CLIENT1|554=demo|")
        let logon = try #require(await d.receive())
        #expect(logon.int(34) == lastSeq + 1)
        try await d.send("8=FIX.4.4|35=H|34=15|49=CLIENT1|52=<TIME>|56=VEGA|11=K-2|54=1|55=RELIANCE|")
        // A kill -9 within the 5 ms before the duplicate's number (13) is stored makes the server ask for it again
        // (seen in a full run's log: "expecting 13 but received 14"); a gap fill answers (13 was answered, 14 was the
        // Logon) and the status request queued behind it is answered.
        let restored = try #require(try await d.receiveFillingGap(answered: 2...13, to: 15))
        #expect(restored.string(150) == "I" && restored.string(39) == "0" && restored.int(151) == 4 && restored.string(11) == "K-2"
                && restored.string(37) == k2ID, "\(restored)")
        let (_, after) = try await Self.http("GET", api2 + "/api/portfolio?client=CLIENT1")
        let positionsBefore = (before["positions"] as? [[String: Any]])?.map { "\($0["symbol"]!) \($0["netQuantity"]!) \($0["realisedPnl"]!)" }
        let positionsAfter = (after["positions"] as? [[String: Any]])?.map { "\($0["symbol"]!) \($0["netQuantity"]!) \($0["realisedPnl"]!)" }
        #expect(positionsBefore != nil && positionsBefore == positionsAfter)
        // A duplicate of an order from before the restart is still refused.
        try await d.send("8=FIX.4.4|35=D|34=16|49=CLIENT1|52=<TIME>|56=VEGA|11=R-1|21=1|38=1|40=2|44=1400.00|54=1|55=RELIANCE|60=<TIME>|207=NSE|")
        let dup2 = try #require(await d.receive())
        #expect(dup2.int(103) == 6)
        // K-2 cancelled by its ClOrdID after the restart: its own order, not the duplicate refused before.
        try await d.send("8=FIX.4.4|35=F|34=17|49=CLIENT1|52=<TIME>|56=VEGA|11=K-3|41=K-2|54=1|55=RELIANCE|60=<TIME>|")
        let k2cancel = await Self.read(d, 2)
        #expect(k2cancel.map { $0.string(39) ?? "" } == ["6", "4"] && k2cancel.allSatisfy { $0.string(37) == k2ID })
        // The cancelled order's history is stored.
        let (code, cancelled) = try await Self.http("GET", api2 + "/api/order/status?id=\(openID)")
        #expect(code == 200 && cancelled["status"] as? String == "CANCELED")
        // Order ids continue after the restart instead of starting again.
        let (_, next) = try await Self.http("POST", api2 + "/api/order/place", body: #"{"symbol":"RELIANCE","quantity":1,"price":"1400.00"}"#)
        let nextID = try #require(next["orderId"] as? String)
        #expect(Int(nextID.dropFirst(2))! > Int(openID.dropFirst(2))!)
        // A status request naming no order: BusinessMessageReject 380=1 (Unknown ID), not an OrderCancelReject
        // (which answers cancels and replaces only), with RefSeqNum (45) naming the request (fix-mapping.md §8).
        try await d.send("8=FIX.4.4|35=H|34=18|49=CLIENT1|52=<TIME>|56=VEGA|11=NOSUCH|54=1|55=RELIANCE|")
        let noOrder = try #require(await d.receive())
        #expect(noOrder.msgType == "j" && noOrder.int(380) == 1 && noOrder.string(372) == "H"
                && noOrder.string(379) == "NOSUCH" && noOrder.string(58) == "Unknown order NOSUCH" && noOrder.int(45) == 18,
                "\(String(decoding: noOrder.bytes, as: UTF8.self))")
        // A replace whose quantity is not whole or whose price Vega cannot hold: an OrderCancelReject (434=2,
        // 102=99, the field in 58), and the order keeps its terms (the price is not taken for one not given).
        try await d.send("8=FIX.4.4|35=D|34=19|49=CLIENT1|52=<TIME>|56=VEGA|11=Q-1|21=1|38=6|40=2|44=1400.00|54=1|55=RELIANCE|60=<TIME>|207=NSE|")
        #expect(await Self.read(d, 2).map { $0.string(39) ?? "" } == ["A", "0"])
        try await d.send("8=FIX.4.4|35=G|34=20|49=CLIENT1|52=<TIME>|56=VEGA|11=Q-2|41=Q-1|21=1|38=10.5|40=2|44=1401.00|54=1|55=RELIANCE|60=<TIME>|")
        let fraction = try #require(await d.receive())
        #expect(fraction.msgType == "9" && fraction.string(434) == "2" && fraction.int(102) == 99 && fraction.string(41) == "Q-1"
                && fraction.string(39) == "0" && fraction.string(58) == "OrderQty (38) must be a whole number, got 10.5",
                "\(String(decoding: fraction.bytes, as: UTF8.self))")
        try await d.send("8=FIX.4.4|35=G|34=21|49=CLIENT1|52=<TIME>|56=VEGA|11=Q-3|41=Q-1|21=1|38=6|40=2|44=999999999999999|54=1|55=RELIANCE|60=<TIME>|")
        let huge = try #require(await d.receive())
        #expect(huge.msgType == "9" && huge.string(434) == "2" && huge.int(102) == 99
                && huge.string(58) == "Price (44) is not a price Vega can hold: 999999999999999",
                "\(String(decoding: huge.bytes, as: UTF8.self))")
        try await d.send("8=FIX.4.4|35=H|34=22|49=CLIENT1|52=<TIME>|56=VEGA|11=Q-1|54=1|55=RELIANCE|")
        let kept = try #require(await d.receive())
        #expect(kept.string(150) == "I" && kept.int(38) == 6 && kept.string(44).flatMap { Double($0) } == 1400)
        // A new order whose price is beyond what Vega holds: rejected naming it, not taken for a market order.
        try await d.send("8=FIX.4.4|35=D|34=23|49=CLIENT1|52=<TIME>|56=VEGA|11=Q-4|21=1|38=1|40=2|44=999999999999999|54=1|55=RELIANCE|60=<TIME>|207=NSE|")
        let bigPrice = try #require(await d.receive())
        #expect(bigPrice.string(150) == "8" && bigPrice.string(58) == "UNSUPPORTED: price (44)=999999999999999",
                "\(String(decoding: bigPrice.bytes, as: UTF8.self))")
        // A stop-limit sell below the market rests untriggered; its reports say 40=4 with StopPx (99).
        try await d.send("8=FIX.4.4|35=D|34=24|49=CLIENT1|52=<TIME>|56=VEGA|11=S-1|21=1|38=1|40=4|44=1395.00|99=1400.00|54=2|55=RELIANCE|59=0|60=<TIME>|207=NSE|5001=MIS|")
        let stop = await Self.read(d, 2)
        #expect(stop.map { $0.string(39) ?? "" } == ["A", "0"], "\(stop.map { String(decoding: $0.bytes, as: UTF8.self) })")
        #expect(stop.allSatisfy { $0.string(40) == "4" && $0.string(99).flatMap { Double($0) } == 1400 && $0.string(44).flatMap { Double($0) } == 1395 })
        await d.close()
    }

    @Test func thePaperMarketReplaysATickFileAndMarksThePortfolioWithIt() async throws {
        let dir = NSTemporaryDirectory() + "vega-ticks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ticks = dir + "/ticks.csv"
        try "offset_ms,exchange,symbol,price\n0,NSE,RELIANCE,1450.00\n1500,NSE,RELIANCE,1399.90\n".write(toFile: ticks, atomically: true, encoding: .utf8)
        let server = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--paper-ticks", ticks]))
        try await server.start()
        defer { server.terminate() }
        let api = "http://127.0.0.1:\(server.httpPort)"
        // A buy limit at 1400 rests above 1450 (or fills at once if the second tick came first): either way it
        // fills at the replayed 1399.90, never at the demo price.
        let (code, order) = try await Self.http("POST", api + "/api/order/place",
                                                body: #"{"symbol":"RELIANCE","quantity":5,"price":"1400.00","product":"CNC"}"#)
        #expect(code == 200)
        let id = try #require(order["orderId"] as? String)
        var status: [String: Any] = [:]
        for _ in 0..<300 {
            (_, status) = try await Self.http("GET", api + "/api/order/status?id=\(id)")
            if status["status"] as? String == "FILLED" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status["status"] as? String == "FILLED" && status["averagePrice"] as? String == "1399.9")
        let (_, portfolio) = try await Self.http("GET", api + "/api/portfolio?client=CLIENT1")
        let line = try #require((portfolio["positions"] as? [[String: Any]])?.first)
        #expect(line["lastPrice"] as? String == "1399.9" && line["netQuantity"] as? Int == 5)
        // Carried positions of the demo data are in the portfolio too (DEMO04 carries 5,000 YESBANK at 25).
        let (_, demo04) = try await Self.http("GET", api + "/api/portfolio?client=DEMO04")
        let carried = try #require((demo04["positions"] as? [[String: Any]])?.first)
        #expect(carried["carriedQuantity"] as? Int == 5000 && carried["netQuantity"] as? Int == 5000)
        #expect(carried["averagePrice"] as? String == "25" && carried["dayBuyQuantity"] as? Int == 0)
    }

    @Test func aBadTickFileStopsTheStartNamingTheLine() async throws {
        let dir = NSTemporaryDirectory() + "vega-badticks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ticks = dir + "/ticks.csv"
        try "offset_ms,exchange,symbol,price\n0,NSE,RELIANCE,1450.00\n10,NSE,NOSUCH,12.00\n".write(toFile: ticks, atomically: true, encoding: .utf8)
        let p = VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--paper-ticks", ticks]))
        try Spawn.run(p.process)
        let err = try await p.exit()
        #expect(p.process.terminationStatus == 2)
        #expect(err.contains("ticks.csv:3: unknown instrument NSE NOSUCH"))
    }
}
