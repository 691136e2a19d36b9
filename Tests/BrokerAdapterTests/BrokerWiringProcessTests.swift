import BrokerKit
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import OMSTestSupport
import Testing

/// The real vega-oms process with a brokers file pointing at fakes started by the test: failover through the MBAL,
/// reconciliation through REST and the real trader-cli process, and bad settings stopping the server with exit 2.
@Suite(.serialized)
struct BrokerWiringProcessTests {
    static let credentials = [
        "VEGA_UPSTOX_API_KEY": TestCredentials.apiKey, "VEGA_UPSTOX_ACCESS_TOKEN": TestCredentials.accessToken,
        "VEGA_KITE_API_KEY": TestCredentials.apiKey, "VEGA_KITE_ACCESS_TOKEN": TestCredentials.accessToken,
    ]

    /// A fresh folder with the brokers file.
    static func folder(brokers: String) throws -> String {
        let dir = NSTemporaryDirectory() + "vega-brokers-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try brokers.write(toFile: dir + "/brokers.cfg", atomically: true, encoding: .utf8)
        return dir
    }

    static func server(_ dir: String, environment: [String: String] = credentials) -> VegaOMSProcess {
        VegaOMSProcess(arguments: VegaOMSProcess.arguments(in: dir, ["--clock", "simulated=2026-11-26T10:00:00+05:30",
                                                                   "--brokers", dir + "/brokers.cfg"]),
                       environment: environment)
    }

    static func kiteSection(_ kite: any FakeBroker) -> String {
        let port = (kite as! KiteFake).server.port
        return """
            [BROKER]
            ID=ZERODHA
            Kind=kite
            BaseURL=http://127.0.0.1:\(port)
            StreamURL=ws://127.0.0.1:\(port)
            RequestTimeout=30
            ConnectTimeout=5

            """
    }

    /// A Kite fake, and vega-oms started with it as the default broker (ZERODHA); the caller stops both.
    static func startWithKite() async throws -> (kite: any FakeBroker, dir: String, server: VegaOMSProcess) {
        let kite = try await BrokerKind.kite.startFake()
        let dir = try folder(brokers: "[DEFAULT]\nDefaultBroker=ZERODHA\n\n" + kiteSection(kite))
        let server = server(dir)
        do {
            try await server.start()
        } catch {
            kite.stop()
            throw error
        }
        return (kite, dir, server)
    }

    /// Places a RELIANCE order at Kite over REST (10 @ 1500.00), has Kite open it, and waits until Vega shows it
    /// working; returns its id and Kite's order.
    static func workingAtKite(_ kite: any FakeBroker, _ http: Int) async throws -> (id: String, placed: FakeOrder) {
        let id = try await place(http, broker: "ZERODHA")
        try await until("the order is at Kite") { await !kite.book.orders(tag: id).isEmpty }
        let placed = try #require(await kite.book.orders(tag: id).first)
        await kite.book.open(placed.id)
        try await until("Vega shows the order working") {
            try await status(http, id)["status"] as? String == "NEW"
        }
        return (id, placed)
    }

    static func post(_ url: String, json: String? = nil) async throws -> (Int, [String: Any]) {
        var r = URLRequest(url: URL(string: url)!)
        r.httpMethod = "POST"
        if let json {
            r.setValue("application/json", forHTTPHeaderField: "Content-Type")
            r.httpBody = Data(json.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: r)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0,
                (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    static func status(_ http: Int, _ id: String) async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(
            from: URL(string: "http://127.0.0.1:\(http)/api/order/status?id=\(id)")!)
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// Places a RELIANCE order over REST and returns its id.
    static func place(_ http: Int, broker: String) async throws -> String {
        let (code, body) = try await post("http://127.0.0.1:\(http)/api/order/place", json: """
            {"symbol": "RELIANCE", "quantity": 10, "price": "1500.00", "product": "CNC", "broker": "\(broker)"}
            """)
        #expect(code == 200, "\(body)")
        return try #require(body["orderId"] as? String)
    }

    /// Waits (bounded, so that a broken flow fails instead of hanging) until the condition holds.
    static func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<1500 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("never happened: \(what)")
        throw CancellationError()
    }

    /// Runs a child process to completion off the cooperative pool (`ChildProcess.run`): the fakes in this process
    /// need those threads to answer the server the child talks to.
    static func run(_ executable: URL, _ args: [String]) async throws -> ChildProcess {
        try await ChildProcess.run(executable, args, cwd: VegaOMSProcess.root)
    }

    static func traderCLI(_ args: [String]) async throws -> ChildProcess {
        try await ToolRun.run("trader-cli", args, cwd: VegaOMSProcess.root)
    }

    @Test func vegaOMSSendsAnUpstoxOrderToKiteWhenUpstoxsTokenHasExpired() async throws {
        let upstox = try await BrokerKind.upstox.startFake() as! UpstoxFake
        let kite = try await BrokerKind.kite.startFake()
        defer { upstox.stop(); kite.stop() }
        await upstox.book.expireToken()
        let dir = try Self.folder(brokers: """
            [DEFAULT]
            DefaultBroker=UPSTOX

            [BROKER]
            ID=UPSTOX
            Kind=upstox
            OrderBaseURL=http://127.0.0.1:\(upstox.hft.port)
            APIBaseURL=http://127.0.0.1:\(upstox.api.port)
            UseStream=N
            Backup=ZERODHA

            """ + Self.kiteSection(kite))
        let server = Self.server(dir)
        try await server.start()
        defer { server.terminate() }
        #expect(server.banner.contains("UPSTOX (upstox http://127.0.0.1:\(upstox.hft.port)"))
        #expect(server.banner.contains("backup ZERODHA"))

        let id = try await Self.place(server.httpPort, broker: "UPSTOX")
        try await Self.until("the order is at Kite") { await !kite.book.orders(tag: id).isEmpty }
        let placed = try #require(await kite.book.orders(tag: id).first)
        await kite.book.open(placed.id)
        try await Self.until("Vega shows the order working at ZERODHA") {
            let o = try await Self.status(server.httpPort, id)
            return o["broker"] as? String == "ZERODHA" && o["status"] as? String == "NEW"
        }
        // Upstox booked nothing. Either the placement got the 401, or the reconciliation at start had already met
        // the expired token and marked Upstox unhealthy, so the order was handed over without being sent there.
        #expect(await upstox.book.placements == 0)
        #expect(await upstox.book.seen("POST", "/order/place").count <= 1)
        #expect(await kite.book.orders(tag: id).count == 1)
        #expect(await kite.book.violations == [])
        // The token never reaches the server's output.
        server.terminate()
        let errors = try await server.exit()
        #expect(errors.contains("reconciliation with UPSTOX at start failed: cannot read the books of UPSTOX: tokenExpired"),
                "\(errors)")
        #expect(!errors.contains(TestCredentials.accessToken) && !server.banner.contains(TestCredentials.accessToken))
    }

    /// An order changed at the broker (in Kite's own app, not through Vega) is restated in Vega: its order feed
    /// shows new terms, the order takes them, the drop copy gets an ExecutionReport 150=D (378=99) with the new
    /// quantity and price, and a fill beyond the old quantity is an ordinary part fill.
    @Test func anOrderChangedAtTheBrokerIsRestatedInVega() async throws {
        let (kite, _, server) = try await Self.startWithKite()
        defer {
            server.terminate()
            kite.stop()
        }
        let drop = try await FIXTestClient.connect(port: server.port)
        try await drop.send("8=FIX.4.4|35=A|34=1|49=DROPCOPY|52=<TIME>|56=VEGA|98=0|108=120|553=DROPCOPY|554=dropcopy|")
        #expect(await drop.receive()?.msgType == "A")

        let (id, placed) = try await Self.workingAtKite(kite, server.httpPort)   // 10 @ 1500.00
        await kite.book.set(placed.id) {
            $0.quantity = 15
            $0.price = 1505
        }
        try await Self.until("Vega shows the broker's terms") {
            let s = try await Self.status(server.httpPort, id)
            return s["quantity"] as? Int == 15 && (s["price"] as? String).flatMap(Double.init) == 1505
        }
        // The drop copy's reports until the restatement (PendingNew and New come first).
        var restated = await drop.receive(timeout: .seconds(10))
        while let m = restated, !(m.string(37) == id && m.string(150) == "D") {
            restated = await drop.receive(timeout: .seconds(10))
        }
        let r = try #require(restated)
        #expect(r.int(38) == 15 && r.string(44) == "1505.00" && r.int(151) == 15 && r.string(39) == "0")
        #expect(r.int(378) == 99 && r.string(58) == "changed at the broker: quantity 10 -> 15, price 1500.00 -> 1505.00",
                "\(r)")
        _ = await kite.book.fill(placed.id, quantity: 12, price: 1505)
        try await Self.until("Vega books the fill within the new quantity") {
            let s = try await Self.status(server.httpPort, id)
            return s["status"] as? String == "PARTIALLY_FILLED" && s["leavesQuantity"] as? Int == 3
        }
        await drop.close()
    }

    /// An order working at Kite when vega-oms is killed is followed after the restart like any other: Kite's fill
    /// reaches the order, and it can be cancelled through Vega. (Before, the adapter no longer
    /// knew the order after a restart: its stream updates were dropped — a fill lost until a reconciliation
    /// found it — and a modify or cancel was refused as an unknown order.)
    @Test func anOrderWorkingAtKiteIsFollowedAfterARestart() async throws {
        let (kite, dir, first) = try await Self.startWithKite()
        defer { kite.stop() }
        let (id, placed) = try await Self.workingAtKite(kite, first.httpPort)   // 10 @ 1500.00
        await first.kill9()

        let second = Self.server(dir)
        try await second.start()
        defer { second.terminate() }
        // The start's reconciliation comes after the open orders are taken up at their brokers: a fill after it
        // reaches Vega only through Kite's order stream.
        #expect(try await second.waitForError(containing: "reconciliation with ZERODHA at start"), "\(second.errorsSoFar)")
        _ = await kite.book.fill(placed.id, quantity: 4, price: 1500)
        try await Self.until("the fill after the restart reaches the order") {
            try await Self.status(second.httpPort, id)["filledQuantity"] as? Int == 4
        }
        let cancel = try await Self.post("http://127.0.0.1:\(second.httpPort)/api/order/cancel?id=\(id)")
        #expect(cancel.0 == 200, "\(cancel.1)")
        try await Self.until("the cancel is done at Kite") {
            try await Self.status(second.httpPort, id)["status"] as? String == "CANCELED"
        }
    }

    @Test func aFillVegaNeverSawIsReportedAndStoredByReconciliation() async throws {
        let (kite, dir, server) = try await Self.startWithKite()
        defer {
            server.terminate()
            kite.stop()
        }
        let api = ["--server", "http://127.0.0.1:\(server.httpPort)"]

        let (id, placed) = try await Self.workingAtKite(kite, server.httpPort)   // 10 @ 1500.00
        // Books that agree: exit 0.
        let clean = try await Self.traderCLI(["reconcile", "ZERODHA"] + api)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("no differences"))

        // The broker fills the order, and the message is lost on the way to Vega.
        let trade = try #require(await kite.book.fill(placed.id, quantity: 10, price: 1499.5, push: false))
        let cli = try await Self.traderCLI(["reconcile", "ZERODHA"] + api)
        #expect(cli.status == 3, "\(cli.stdout)\(cli.stderr)")   // differences
        let missing = try #require(cli.stdout.split(separator: "\n").first { $0.contains("MISSING_FILL") })
        #expect(missing.contains(id) && missing.contains("trade \(trade.id): 10 @ 1499.50"))
        #expect(cli.stdout.contains("STATUS_MISMATCH") && cli.stdout.contains("POSITION_MISMATCH"))

        let (code, report) = try await Self.post("http://127.0.0.1:\(server.httpPort)/api/brokers/ZERODHA/reconcile")
        #expect(code == 200)
        let differences = try #require(report["differences"] as? [[String: Any]])
        let fill = try #require(differences.first { $0["kind"] as? String == "MISSING_FILL" })
        #expect(fill["orderId"] as? String == id && fill["brokerOrderId"] as? String == placed.id)
        #expect(fill["vega"] as? String == "none")

        // Every run is recorded, with its differences.
        let runID = try #require(report["runId"] as? Int)
        let db = try DatabaseQueue(path: dir + "/vega_trade.db", configuration: {
            var c = Configuration()
            c.readonly = true
            return c
        }())
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.trigger, d.kind, d.orderID, d.brokerValue FROM reconciliationDifference d
                JOIN reconciliationRun r ON r.id = d.runID WHERE d.runID = ? ORDER BY d.id
                """, arguments: [runID])
        }
        let stored = rows.first { $0["kind"] as String == "MISSING_FILL" }
        #expect(stored?["orderID"] as String? == id)
        #expect(stored?["trigger"] as String? == "request")
        #expect(stored?["brokerValue"] as String? == "trade \(trade.id): 10 @ 1499.50")
        let runs = try db.read { try Row.fetchAll($0, sql: "SELECT trigger, differences FROM reconciliationRun WHERE broker = 'ZERODHA' ORDER BY id") }
        #expect(runs.contains { $0["trigger"] as String == "start" })
        let requested = runs.filter { $0["trigger"] as String == "request" }.map { $0["differences"] as Int }
        #expect(requested.count == 3 && requested[0] == 0 && requested[1] > 0 && requested[2] == requested[1])

        // An unknown broker: refused by the server, a message and exit 1.
        let unknown = try await Self.traderCLI(["reconcile", "NOSUCH"] + api)
        #expect(unknown.status == 1 && unknown.stderr.contains("UNKNOWN_BROKER"))
    }

    @Test(arguments: [
        ("[BROKER]\nID=ZERODHA\nKind=kite\nBaseUrl=http://x\n", "brokers.cfg:4: BaseUrl: unknown setting"),
        ("[BROKER]\nID=ZERODHA\nKind=kyte\n", "brokers.cfg:3: Kind: 'kyte' is not one of"),
        ("[BROKER]\nID=ZERODHA\nKind=kite\nOrderBaseURL=http://x\n", "brokers.cfg:4: OrderBaseURL: not a setting of a kite broker"),
        ("[BROKER]\nID=ZERODHA\nKind=kite\nOrdersPerSecond=500\n", "brokers.cfg:4: OrdersPerSecond: must be 1…100"),
        ("[BROKER]\nID=ZERODHA\nKind=kite\nConnectTimeout=0\n", "brokers.cfg:4: ConnectTimeout: must be 1…120 (seconds)"),
        ("[BROKER]\nID=VENUE\nKind=fixvenue\nSocketConnectHost=127.0.0.1\nSocketConnectPort=9\nSenderCompID=A\nTargetCompID=B\nStatusTimeout=500\n",
         "brokers.cfg:8: StatusTimeout: must be 1…120 (seconds)"),
        ("[BROKER]\nID=ZERODHA\nKind=kite\nBackup=FYERS\n", "brokers.cfg:4: Backup: no broker FYERS"),
        ("[DEFAULT]\nDefaultBroker=UPSTOX\n", "brokers.cfg:2: DefaultBroker: no broker UPSTOX"),
        ("[BROKER]\nID=VENUE\nKind=fixvenue\nSocketConnectHost=127.0.0.1\n", "brokers.cfg:1: SocketConnectPort: missing"),
    ])
    func badBrokerSettingsStopVegaOMSWithExit2(file: String, error: String) async throws {
        let dir = try Self.folder(brokers: file)
        let run = try await Self.run(VegaOMSProcess.executable, ["--fix-port", "0", "--http-port", "0", "--db",
                                                                   dir + "/vega_trade.db", "--brokers", dir + "/brokers.cfg"])
        #expect(run.status == 2)
        #expect(run.stderr.contains(error), "\(run.stderr)")
    }

    @Test func aBrokerWithoutCredentialsNamesTheVariablesAndExits2() async throws {
        let dir = try Self.folder(brokers: "[BROKER]\nID=ZERODHA\nKind=kite\nAPIKey=\(TestCredentials.apiKey)\n")
        let run = try await Self.run(VegaOMSProcess.executable, VegaOMSProcess.arguments(in: dir, ["--brokers", dir + "/brokers.cfg"]))
        #expect(run.status == 2)
        #expect(run.stderr.contains("brokers.cfg:1: broker ZERODHA has no credentials: set VEGA_KITE_API_KEY and VEGA_KITE_ACCESS_TOKEN"),
                "\(run.stderr)")
    }
}
