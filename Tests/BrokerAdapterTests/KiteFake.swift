import BrokerKit
import BrokerKite
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import OMSCore

/// Kite Connect v3 as brokers.md §2 describes it: form-encoded bodies, `X-Kite-Version: 3`,
/// `Authorization: token api_key:access_token`, orders by variety, `{"status":"error","error_type":…}` errors,
/// order updates as `{"type":"order","data":{…}}` text frames on the WebSocket.
final class KiteFake: FakeBroker {
    let book: FakeBook
    let server: FakeServer
    let placeMethod = "POST"
    let placePath = "/orders/regular"

    static let vocabulary = FakeVocabulary(received: "PUT ORDER REQ RECEIVED", open: "OPEN", complete: "COMPLETE",
                                           cancelled: "CANCELLED", rejected: "REJECTED",
                                           modifyPending: "MODIFY VALIDATION PENDING", modified: "OPEN")

    static func start() async throws -> KiteFake {
        let book = FakeBook(vocabulary: vocabulary, firstOrderID: 1_914_227_164_488_687_616) { order, _ in
            [UpstoxFake.text(["type": "order", "data": KiteFake.render(order)])]
        }
        let router = FakeRouter(context: BasicWebSocketRequestContext.self)
        addRoutes(router, book)
        return KiteFake(book: book, server: try await FakeServer.start(router))
    }

    init(book: FakeBook, server: FakeServer) {
        self.book = book
        self.server = server
    }

    func stop() { server.stop() }
    func stopAndWait() async { await server.stopAndWait() }

    func algoID(_ placement: SeenRequest) -> String? { Fake.form(placement.body)["algo_id"] }

    func makeAdapter(credentials: BrokerCredentials, settings: BrokerSettings, logger: Logger) -> any BrokerConnection {
        var c = KiteConfiguration()
        c.baseURL = "http://127.0.0.1:\(server.port)"
        c.streamURL = "ws://127.0.0.1:\(server.port)"
        return KiteBroker(api: KiteAPI(configuration: c), credentials: credentials, settings: settings, logger: logger)
    }

    // MARK: Shapes

    static func split(_ symbol: String) -> (exchange: String, tradingsymbol: String) {
        let parts = symbol.split(separator: ":", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("NSE", symbol)
    }

    static func render(_ o: FakeOrder) -> [String: Any] {
        let (exchange, ts) = split(o.symbol)
        return ["account_id": "AB1234", "placed_by": "AB1234", "order_id": o.id, "exchange_order_id": o.exchangeOrderID,
                "parent_order_id": NSNull(), "status": o.status, "status_message": o.message.isEmpty ? NSNull() : o.message,
                "status_message_raw": o.message.isEmpty ? NSNull() : o.message,
                "order_timestamp": "2026-11-25 10:15:00", "exchange_update_timestamp": "2026-11-25 10:15:01",
                "exchange_timestamp": "2026-11-25 10:15:01", "variety": o.variety, "modified": false,
                "exchange": exchange, "tradingsymbol": ts, "instrument_token": 738_561, "order_type": o.orderType,
                "transaction_type": o.side, "validity": o.validity, "validity_ttl": 0, "product": o.product,
                "quantity": o.quantity, "disclosed_quantity": 0, "price": o.price, "trigger_price": o.triggerPrice,
                "average_price": o.averagePrice, "filled_quantity": o.filled, "pending_quantity": o.quantity - o.filled,
                "cancelled_quantity": o.status == vocabulary.cancelled ? o.quantity - o.filled : 0,
                "market_protection": 0, "meta": [String: Any](), "tag": o.tag, "tags": [o.tag], "guid": "g-\(o.id)"]
    }

    static func render(_ t: FakeTrade, _ o: FakeOrder) -> [String: Any] {
        let (exchange, ts) = split(o.symbol)
        return ["trade_id": t.id, "order_id": o.id, "exchange": exchange, "tradingsymbol": ts,
                "instrument_token": 738_561, "product": o.product, "average_price": t.price, "quantity": t.quantity,
                "exchange_order_id": o.exchangeOrderID, "transaction_type": o.side,
                "fill_timestamp": "2026-11-25 10:15:02", "order_timestamp": "10:15:00",
                "exchange_timestamp": "2026-11-25 10:15:02"]
    }

    static func error(_ type: String, _ message: String, status: Int) -> Response {
        Fake.json(["status": "error", "message": message, "error_type": type, "data": NSNull()], status: status)
    }

    static func success(_ data: Any) -> Response { Fake.json(["status": "success", "data": data]) }

    // MARK: Routes

    static func gate(_ book: FakeBook, _ request: Request, body: String, _ checks: inout FakeChecks) async -> Response? {
        let seen = Fake.seen(request, body: body)
        checks.header(seen, "X-Kite-Version", "3")
        if !body.isEmpty {
            checks.header(seen, "Content-Type", "application/x-www-form-urlencoded")
            checks.require(!body.hasPrefix("{"), "Kite bodies are form-encoded, not JSON")
        }
        let auth = seen.header("Authorization")
        checks.require(auth?.hasPrefix("token \(TestCredentials.apiKey):") == true, "Authorization is not `token api_key:access_token`")
        guard await book.admit(seen, checks) else {
            return error("InputException", checks.violations.joined(separator: "; "), status: 400)
        }
        if await !book.tokenValid || auth != "token \(TestCredentials.apiKey):\(TestCredentials.accessToken)" {
            return error("TokenException", "Incorrect `api_key` or `access_token`.", status: 403)
        }
        return nil
    }

    static func closed(_ o: FakeOrder) -> Bool {
        [vocabulary.complete, vocabulary.cancelled, vocabulary.rejected].contains(o.status)
    }

    static func addRoutes(_ router: FakeRouter, _ book: FakeBook) {
        router.post("/orders/:first") { request, context -> Response in
            let body = await Fake.body(request)
            let f = Fake.form(body)
            var checks = FakeChecks()
            let variety = context.parameters.get("first") ?? ""  // /orders/{variety}
            checks.require(["regular", "amo", "co", "iceberg", "auction"].contains(variety), "variety \(variety)")
            checks.require(f["tradingsymbol"]?.isEmpty == false, "tradingsymbol missing")
            checks.oneOf(f, "exchange", ["NSE", "BSE", "NFO", "BFO", "CDS", "BCD", "MCX"])
            checks.oneOf(f, "transaction_type", ["BUY", "SELL"])
            checks.oneOf(f, "order_type", ["MARKET", "LIMIT", "SL", "SL-M"])
            checks.require(Int(f["quantity"] ?? "").map { $0 > 0 } == true, "quantity must be a positive integer")
            checks.oneOf(f, "product", ["CNC", "NRML", "MIS", "MTF"])
            checks.oneOf(f, "validity", ["DAY", "IOC", "TTL"])
            let type = f["order_type"] ?? ""
            if ["LIMIT", "SL"].contains(type) { checks.require(Double(f["price"] ?? "") != nil, "price required for \(type)") }
            if ["SL", "SL-M"].contains(type) {
                checks.require(Double(f["trigger_price"] ?? "") != nil, "trigger_price required for \(type)")
            }
            if ["MARKET", "SL-M"].contains(type) {
                let mp = Int(f["market_protection"] ?? "")
                checks.require(mp.map { $0 == -1 || (1...100).contains($0) } == true,
                               "market_protection must be -1 or 1–100 for API market orders")
            }
            checks.require((f["tag"]?.count ?? 0) <= 20, "tag longer than 20")
            if let r = await gate(book, request, body: body, &checks) { return r }
            switch await book.nextScript() {
            case .rateLimit: return error("NetworkException", "Too many requests", status: 429)
            case .refuse: return error("InputException", "Invalid `tradingsymbol`.", status: 400)
            case .refuseQuotingToken:
                return error("PermissionException", "IP not allowed for \(TestCredentials.accessToken)", status: 400)
            case .delay(let d):
                let id = await place(book, f, variety: variety)
                try? await Task.sleep(for: d)
                return success(["order_id": id])
            case nil:
                return success(["order_id": await place(book, f, variety: variety)])
            }
        }
        router.put("/orders/:first/:second") { request, context -> Response in
            let body = await Fake.body(request)
            let f = Fake.form(body)
            var checks = FakeChecks()
            checks.oneOf(f, "order_type", ["MARKET", "LIMIT", "SL", "SL-M"])
            checks.require(f["quantity"].map { Int($0) != nil } ?? true, "quantity is not an integer")
            let id = context.parameters.get("second") ?? ""  // /orders/{variety}/{order_id}
            let o = await book.order(id)
            checks.require(o == nil || o?.variety == context.parameters.get("first"), "wrong variety in the path")
            if let r = await gate(book, request, body: body, &checks) { return r }
            guard let o else { return error("OrderException", "Couldn't find that order.", status: 400) }
            guard !closed(o) else { return error("OrderException", "Order cannot be modified as it is \(o.status)", status: 400) }
            await book.set(id) { $0.status = vocabulary.modifyPending! }
            await book.set(id) {
                $0.status = vocabulary.modified
                $0.quantity = Int(f["quantity"] ?? "") ?? $0.quantity
                $0.price = Double(f["price"] ?? "") ?? $0.price
                $0.triggerPrice = Double(f["trigger_price"] ?? "") ?? $0.triggerPrice
            }
            return success(["order_id": id])
        }
        router.delete("/orders/:first/:second") { request, context -> Response in
            var checks = FakeChecks()
            let id = context.parameters.get("second") ?? ""  // /orders/{variety}/{order_id}
            let o = await book.order(id)
            checks.require(o == nil || o?.variety == context.parameters.get("first"), "wrong variety in the path")
            if let r = await gate(book, request, body: "", &checks) { return r }
            guard let o else { return error("OrderException", "Couldn't find that order.", status: 400) }
            guard !closed(o) else { return error("OrderException", "Order cannot be cancelled as it is \(o.status)", status: 400) }
            await book.set(id) { $0.status = "CANCEL PENDING" }
            await book.set(id) { $0.status = vocabulary.cancelled }
            return success(["order_id": id])
        }
        router.get("/orders") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            let snapshot = await book.allOrders.map(render)
            if let d = await book.takeOrderBookDelay() { try? await Task.sleep(for: d) }
            return success(snapshot)
        }
        router.get("/orders/:first") { request, context -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            guard let o = await book.order(context.parameters.get("first") ?? "") else {  // /orders/{order_id}
                return error("OrderException", "Couldn't find that order.", status: 400)
            }
            return success(o.history.map { s -> [String: Any] in var x = o; x.status = s; return render(x) })
        }
        router.get("/orders/:first/trades") { request, context -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            let id = context.parameters.get("first") ?? ""  // /orders/{order_id}/trades
            var out: [[String: Any]] = []
            for t in await book.trades where t.orderID == id { if let o = await book.order(id) { out.append(render(t, o)) } }
            return success(out)
        }
        router.get("/trades") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            var out: [[String: Any]] = []
            for t in await book.trades { if let o = await book.order(t.orderID) { out.append(render(t, o)) } }
            return success(out)
        }
        router.get("/portfolio/positions") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            let rows = await book.netPositions().map { p -> [String: Any] in
                let (exchange, ts) = split(p.symbol)
                return ["tradingsymbol": ts, "exchange": exchange, "instrument_token": 738_561, "product": p.product,
                        "quantity": p.net, "overnight_quantity": 0, "multiplier": 1, "average_price": p.average,
                        "close_price": p.average, "last_price": p.average, "value": 0, "pnl": 0, "m2m": 0,
                        "unrealised": 0, "realised": 0, "buy_quantity": max(p.net, 0), "sell_quantity": max(-p.net, 0),
                        "day_buy_quantity": max(p.net, 0), "day_sell_quantity": max(-p.net, 0)]
            }
            return success(["net": rows, "day": rows])
        }
        router.get("/portfolio/holdings") { request, _ -> Response in
            let body = await Fake.body(request)
            var checks = FakeChecks()
            checks.bodyless(request, body: body)
            if let r = await gate(book, request, body: body, &checks) { return r }
            return success(FakeHolding.rows.map { h -> [String: Any] in
                ["tradingsymbol": h.tradingSymbol, "exchange": h.exchange, "instrument_token": 738_561, "isin": h.isin,
                 "product": "CNC", "quantity": h.quantity, "used_quantity": 0, "t1_quantity": h.t1Quantity,
                 "realised_quantity": h.quantity, "authorised_quantity": 0, "opening_quantity": h.quantity,
                 "short_quantity": 0, "collateral_quantity": 0, "collateral_type": "", "average_price": h.averagePrice,
                 "last_price": h.lastPrice, "close_price": h.lastPrice, "pnl": h.pnl, "day_change": 0, "day_change_percentage": 0,
                 "mtf": ["quantity": 0, "used_quantity": 0, "average_price": 0, "value": 0, "initial_margin": 0]]
            })
        }
        router.ws("/") { request, _ in
            let ok = Fake.query(request, "api_key") == TestCredentials.apiKey
                && Fake.query(request, "access_token") == TestCredentials.accessToken
            if !ok { await book.violation("WebSocket without api_key/access_token in the query") }
            let held = await book.holdStreams
            return ok && !held ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, _ in
            await Fake.serveStream(book, inbound: inbound, outbound: outbound)
        }
    }

    static func place(_ book: FakeBook, _ f: [String: String], variety: String) async -> String {
        let id = await book.newOrderID()
        await book.add(FakeOrder(
            id: id, tag: f["tag"] ?? "", symbol: "\(f["exchange"] ?? ""):\(f["tradingsymbol"] ?? "")",
            side: f["transaction_type"] ?? "", quantity: Int(f["quantity"] ?? "") ?? 0,
            price: Double(f["price"] ?? "") ?? 0, triggerPrice: Double(f["trigger_price"] ?? "") ?? 0,
            orderType: f["order_type"] ?? "", product: f["product"] ?? "", validity: f["validity"] ?? "",
            variety: variety, status: vocabulary.received))
        return id
    }
}
