import BrokerFyers
import BrokerKit
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import OMSCore

/// Fyers API v3 as brokers.md §3 describes it: JSON bodies, `Authorization: app_id:access_token`, numeric
/// type/side/status, `{"s":"error","code":-N}` errors with `Retry-After` on 429, and the order socket that
/// pushes `{"orders":…}`/`{"trades":…}` frames with short keys to connections that sent SUB_ORD.
final class FyersFake: FakeBroker {
    let book: FakeBook
    let server: FakeServer
    let placeMethod = "POST"
    let placePath = "/api/v3/orders/sync"
    let pings: PingCounter

    static let vocabulary = FakeVocabulary(received: "4", open: "6", complete: "2", cancelled: "1", rejected: "5",
                                           modifyPending: nil, modified: "6")

    static func start() async throws -> FyersFake {
        let book = FakeBook(vocabulary: vocabulary, firstOrderID: 25_112_500_012_345) { order, trade in
            var frames: [String] = []
            if let t = trade {
                frames.append(UpstoxFake.text(["trades": [
                    "id_fill": t.id, "id": order.id, "qty_traded": t.quantity, "price_traded": t.price,
                    "fill_time": 1_764_045_902, "tran_side": Int(order.side) ?? 1, "symbol": order.symbol,
                    "ordertag": order.tag]]))
            }
            frames.append(UpstoxFake.text(["orders": [
                "id": order.id, "id_exchange": order.exchangeOrderID, "qty": order.quantity,
                "qty_remaining": order.quantity - order.filled, "qty_filled": order.filled,
                "price_limit": order.price, "price_stop": order.triggerPrice, "price_traded": order.averagePrice,
                "ord_type": Int(order.orderType) ?? 1, "tran_side": Int(order.side) ?? 1,
                "org_ord_status": Int(order.status) ?? 4, "oms_msg": order.message, "product_type": order.product,
                "symbol": order.symbol, "time_oms": "25-Nov-2026 10:15:00", "validity": order.validity,
                "ordertag": order.tag]]))
            return frames
        }
        await book.setRequiresSubscription()
        let pings = PingCounter()
        let router = FakeRouter(context: BasicWebSocketRequestContext.self)
        addRoutes(router, book, pings: pings)
        return FyersFake(book: book, server: try await FakeServer.start(router), pings: pings)
    }

    init(book: FakeBook, server: FakeServer, pings: PingCounter) {
        self.book = book
        self.server = server
        self.pings = pings
    }

    func stop() { server.stop() }
    func stopAndWait() async { await server.stopAndWait() }

    func algoID(_ placement: SeenRequest) -> String? { nil }

    func makeAdapter(credentials: BrokerCredentials, settings: BrokerSettings, logger: Logger) -> any BrokerConnection {
        var c = FyersConfiguration()
        c.baseURL = "http://127.0.0.1:\(server.port)/api/v3"
        c.streamURL = "ws://127.0.0.1:\(server.port)/trade/v3"
        c.pingInterval = .milliseconds(300)
        return FyersBroker(api: FyersAPI(configuration: c), credentials: credentials, settings: settings, logger: logger)
    }

    // MARK: Shapes

    static func render(_ o: FakeOrder) -> [String: Any] {
        ["id": o.id, "exchOrdId": o.exchangeOrderID, "parentId": "", "symbol": o.symbol, "qty": o.quantity,
         "remainingQuantity": o.quantity - o.filled, "filledQty": o.filled, "limitPrice": o.price,
         "stopPrice": o.triggerPrice, "tradedPrice": o.averagePrice, "type": Int(o.orderType) ?? 1,
         "side": Int(o.side) ?? 1, "productType": o.product, "status": Int(o.status) ?? 4, "message": o.message,
         "orderDateTime": "25-Nov-2026 10:15:00", "orderValidity": o.validity, "offlineOrder": false,
         "orderTag": o.tag, "fyToken": "10100000002885", "exchange": 10, "segment": 10, "instrument": 0,
         "source": "API", "slNo": 1]
    }

    static func render(_ t: FakeTrade, _ o: FakeOrder) -> [String: Any] {
        ["orderNumber": o.id, "exchangeOrderNo": o.exchangeOrderID, "tradeNumber": t.id, "tradedQty": t.quantity,
         "tradePrice": t.price, "tradeValue": t.price * Double(t.quantity), "orderDateTime": "25-Nov-2026 10:15:02",
         "side": Int(o.side) ?? 1, "productType": o.product, "symbol": o.symbol, "fyToken": "10100000002885",
         "orderTag": o.tag]
    }

    static func error(_ code: Int, _ message: String, status: Int, headers: [String: String] = [:]) -> Response {
        Fake.json(["s": "error", "code": code, "message": message], status: status, headers: headers)
    }

    static func ok(_ fields: [String: Any]) -> Response {
        var f = fields
        f["s"] = "ok"
        return Fake.json(f)
    }

    // MARK: Routes

    static func gate(_ book: FakeBook, _ request: Request, body: String, _ checks: inout FakeChecks) async -> Response? {
        let seen = Fake.seen(request, body: body)
        if !body.isEmpty { checks.header(seen, "Content-Type", "application/json") }
        let auth = seen.header("Authorization")
        checks.require(auth?.hasPrefix("\(TestCredentials.apiKey):") == true, "Authorization is not `app_id:access_token`")
        guard await book.admit(seen, checks) else {
            return error(-50, "Invalid params: \(checks.violations.joined(separator: "; "))", status: 400)
        }
        if await !book.tokenValid || auth != "\(TestCredentials.apiKey):\(TestCredentials.accessToken)" {
            return error(-8, "Your token has expired. Please generate a token", status: 401)
        }
        return nil
    }

    static func closed(_ o: FakeOrder) -> Bool { ["1", "2", "5", "7"].contains(o.status) }

    static func addRoutes(_ router: FakeRouter, _ book: FakeBook, pings: PingCounter) {
        router.post("/api/v3/orders/sync") { request, _ -> Response in
            let body = await Fake.body(request)
            let f = Fake.object(body) ?? [:]
            var checks = FakeChecks()
            let symbol = f["symbol"]?.string ?? ""
            checks.require(symbol.split(separator: ":").count == 2 && symbol == symbol.uppercased(), "symbol \(symbol) is not EXCHANGE:SYMBOL")
            checks.require((f["qty"]?.int ?? 0) > 0, "qty must be a positive integer")
            checks.require(f["type"]?.int.map { (1...4).contains($0) } == true, "type must be 1–4")
            checks.require(f["side"]?.int.map { $0 == 1 || $0 == -1 } == true, "side must be 1 or -1")
            checks.oneOf(f, "productType", ["CNC", "INTRADAY", "MARGIN", "MTF", "CO", "BO"])
            checks.number(f, "limitPrice")
            checks.number(f, "stopPrice")
            checks.oneOf(f, "validity", ["DAY", "IOC"])
            checks.int(f, "disclosedQty")
            checks.bool(f, "offlineOrder")
            let tag = f["orderTag"]?.string ?? ""
            checks.require(tag.isEmpty || ((1...30).contains(tag.count) && tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }),
                           "orderTag \(tag) is not 1–30 alphanumerics")
            let type = f["type"]?.int ?? 0
            if type == 1 || type == 4 { checks.require((f["limitPrice"]?.number ?? 0) > 0, "limitPrice required") }
            if type == 3 || type == 4 { checks.require((f["stopPrice"]?.number ?? 0) > 0, "stopPrice required") }
            if let r = await gate(book, request, body: body, &checks) { return r }
            switch await book.nextScript() {
            case .rateLimit: return error(-429, "request limit reached", status: 429, headers: ["Retry-After": "1"])
            case .refuse: return error(-300, "Invalid symbol", status: 400)
            case .refuseQuotingToken: return error(-99, "IP not allowed for \(TestCredentials.accessToken)", status: 400)
            case .delay(let d):
                let id = await place(book, f)
                try? await Task.sleep(for: d)
                return ok(["code": 1101, "message": "Order submitted successfully. Your Order Ref. No.\(id)", "id": id])
            case nil:
                let id = await place(book, f)
                return ok(["code": 1101, "message": "Order submitted successfully. Your Order Ref. No.\(id)", "id": id])
            }
        }
        router.patch("/api/v3/orders/sync") { request, _ -> Response in
            let body = await Fake.body(request)
            let f = Fake.object(body) ?? [:]
            var checks = FakeChecks()
            checks.string(f, "id")
            checks.require(f["type"]?.int.map { (1...4).contains($0) } ?? true, "type must be 1–4")
            checks.int(f, "qty", optional: true)
            if let r = await gate(book, request, body: body, &checks) { return r }
            guard let id = f["id"]?.string, let o = await book.order(id) else { return error(-51, "Invalid order id", status: 400) }
            guard !closed(o) else { return error(-99, "Order is not open", status: 400) }
            await book.set(id) {
                $0.quantity = Int(f["qty"]?.int ?? Int64($0.quantity))
                $0.price = f["limitPrice"]?.number ?? $0.price
                $0.triggerPrice = f["stopPrice"]?.number ?? $0.triggerPrice
                $0.status = vocabulary.modified
            }
            return ok(["code": 1102, "message": "Successfully modified order", "id": id])
        }
        router.delete("/api/v3/orders/sync") { request, _ -> Response in
            let body = await Fake.body(request)
            let f = Fake.object(body) ?? [:]
            var checks = FakeChecks()
            checks.string(f, "id")
            if let r = await gate(book, request, body: body, &checks) { return r }
            guard let id = f["id"]?.string, let o = await book.order(id) else { return error(-51, "Invalid order id", status: 400) }
            guard !closed(o) else { return error(-99, "Order is not open", status: 400) }
            await book.set(id) { $0.status = vocabulary.cancelled }
            return ok(["code": 1103, "message": "Successfully cancelled order", "id": id])
        }
        router.get("/api/v3/orders") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            var rows = await book.allOrders
            if let id = Fake.query(request, "id") { rows = rows.filter { $0.id == id } }
            if let tag = Fake.query(request, "order_tag") { rows = rows.filter { $0.tag == tag } }
            return ok(["code": 200, "message": "", "orderBook": rows.map(render)])
        }
        router.get("/api/v3/tradebook") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            var out: [[String: Any]] = []
            for t in await book.trades { if let o = await book.order(t.orderID) { out.append(render(t, o)) } }
            return ok(["code": 200, "message": "", "tradeBook": out])
        }
        router.get("/api/v3/positions") { request, _ -> Response in
            var checks = FakeChecks()
            if let r = await gate(book, request, body: "", &checks) { return r }
            let rows = await book.netPositions().map { p -> [String: Any] in
                ["id": "\(p.symbol)-\(p.product)", "symbol": p.symbol, "netQty": p.net, "qty": abs(p.net),
                 "avgPrice": p.average, "netAvg": p.average, "side": p.net > 0 ? 1 : (p.net < 0 ? -1 : 0),
                 "productType": p.product, "buyQty": max(p.net, 0), "buyAvg": p.average, "buyVal": 0,
                 "sellQty": max(-p.net, 0), "sellAvg": 0, "sellVal": 0, "dayBuyQty": max(p.net, 0),
                 "daySellQty": max(-p.net, 0), "cfBuyQty": 0, "cfSellQty": 0, "realized_profit": 0,
                 "unrealized_profit": 0, "pl": 0, "ltp": p.average, "qtyMulti_com": 1]
            }
            return ok(["code": 200, "message": "", "netPositions": rows,
                       "overall": ["count_total": rows.count, "count_open": rows.count, "pl_total": 0,
                                   "pl_realized": 0, "pl_unrealized": 0]])
        }
        router.get("/api/v3/holdings") { request, _ -> Response in
            let body = await Fake.body(request)
            var checks = FakeChecks()
            checks.bodyless(request, body: body)
            if let r = await gate(book, request, body: body, &checks) { return r }
            let rows = FakeHolding.rows.map { h -> [String: Any] in
                ["holdingType": "HLD", "quantity": h.quantity, "remainingQuantity": h.quantity,
                 "costPrice": h.averagePrice, "marketVal": h.lastPrice * Double(h.quantity), "pl": h.pnl,
                 "ltp": h.lastPrice, "isin": h.isin, "qty_t1": h.t1Quantity, "collateralQuantity": 0,
                 "symbol": "\(h.exchange):\(h.tradingSymbol)-EQ"]
            }
            return ok(["code": 200, "message": "", "holdings": rows, "overall": ["count_total": rows.count]])
        }
        router.ws("/trade/v3") { request, _ in
            let auth = request.headers[.authorization]
            guard auth == "\(TestCredentials.apiKey):\(TestCredentials.accessToken)" else {
                await book.violation("order socket without `authorization: app_id:access_token`")
                return .dontUpgrade
            }
            return await book.holdStreams ? .dontUpgrade : .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            await Fake.serveStream(book, inbound: inbound, outbound: outbound) { id, text in
                if text == "ping" { await pings.add(); return }
                guard let m = Fake.object(text), m["T"]?.string == "SUB_ORD",
                      case .array(let list)? = m["SLIST"], list.contains(.string("orders")) else {
                    await book.violation("unexpected socket message \(text)")
                    return
                }
                await book.subscribe(id)
            }
        }
    }

    static func place(_ book: FakeBook, _ f: [String: FJSON]) async -> String {
        let id = await book.newOrderID()
        await book.add(FakeOrder(
            id: id, tag: f["orderTag"]?.string ?? "", symbol: f["symbol"]?.string ?? "",
            side: String(f["side"]?.int ?? 1), quantity: Int(f["qty"]?.int ?? 0), price: f["limitPrice"]?.number ?? 0,
            triggerPrice: f["stopPrice"]?.number ?? 0, orderType: String(f["type"]?.int ?? 1),
            product: f["productType"]?.string ?? "", validity: f["validity"]?.string ?? "", status: vocabulary.received))
        return id
    }
}

actor PingCounter {
    var count = 0
    func add() { count += 1 }
}
