import ArgumentParser
import Foundation
import OMSAPIModels
import OMSCore

/// Options every command that talks to the server shares.
struct ServerOptions: ParsableArguments {
    @Option(help: "Server base URL.")
    var server: String = defaultServer

    @Flag(help: "Print the API's JSON instead of text.")
    var json = false

    func validate() throws {
        guard let u = URL(string: server), u.scheme == "http" || u.scheme == "https", u.host != nil else {
            throw ValidationError("--server must be a URL like \(defaultServer)")
        }
    }

    func printJSON<T: Encodable>(_ value: T) throws { try HTTPClient.printJSON(value) }

    /// Prints the server's answer: its JSON with `--json`, else `text` of it.
    func show<T: Codable>(_ type: T.Type, _ data: Data, text: (T) -> String) throws {
        let value = try HTTPClient.decode(type, data)
        if json { try printJSON(value) } else { print(text(value), terminator: "") }
    }
}

struct PlaceOrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place-order",
        abstract: "Place an order through the server's pipeline (the same checks as FIX orders).")

    @Option(help: "Broker to route to (default: the client's or the server's default, PAPER).")
    var broker: String?
    @Option(help: "Trading symbol, e.g. RELIANCE.")
    var symbol: String
    @Option(help: "Exchange: NSE (default) or BSE.")
    var exchange: String?
    // `.unconditional`: `--qty -5` is a quantity to refuse, not a missing value and an unknown option.
    @Option(parsing: .unconditional, help: "Quantity (shares, or units for F&O: lots × lot size), 1…100000000.")
    var qty: Int64
    @Option(help: "Product: CNC, MIS, MTF or NRML.")
    var product: String?
    @Option(help: "BUY (default) or SELL.")
    var side: String = "BUY"
    @Option(parsing: .unconditional, help: "Limit price in rupees (none: a market order).")
    var price: String?
    @Option(parsing: .unconditional, help: "Trigger price in rupees (SL and SL-M orders).")
    var triggerPrice: String?
    @Option(help: "Order type: MARKET, LIMIT, SL, SL-M (default: LIMIT with --price, else MARKET).")
    var type: String?
    @Option(help: "Validity: DAY (default) or IOC.")
    var validity: String?
    @Option(help: "Client id (default: the server's default client).")
    var client: String?
    @Option(help: "Your id for the order.")
    var clientOrderId: String?
    @Flag(help: "After-market order: held until the next session opens.")
    var afterMarket = false
    @OptionGroup var options: ServerOptions

    func validate() throws {
        // Each argument on its own is checked here, before any connection (a bad one is named even when the server
        // is down); how they combine (a price with a market order) the server checks.
        guard !symbol.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--symbol must not be empty") }
        guard (1...100_000_000).contains(qty) else {
            throw ValidationError("--qty must be a whole number from 1 to 100000000, got \(qty)")
        }
        guard ["BUY", "SELL"].contains(side.uppercased()) else { throw ValidationError("--side must be BUY or SELL, got \(side)") }
        for (name, value) in [("--price", price), ("--trigger-price", triggerPrice)] {
            guard let value else { continue }
            guard let x = Price(value) else {
                throw ValidationError("\(name) must be a price in rupees (digits, at most 4 decimals, below "
                                      + "922337203685477), got \(value)")
            }
            guard x.units > 0 else { throw ValidationError("\(name) must be positive, got \(value)") }
        }
        if let p = product, Product(rawValue: p.uppercased()) == nil {
            throw ValidationError("--product must be one of CNC, MIS, MTF, NRML, got \(p)")
        }
        if let t = type, OrderType(rawValue: t.uppercased()) == nil {
            throw ValidationError("--type must be one of MARKET, LIMIT, SL, SL-M, got \(t)")
        }
        if let v = validity, TimeInForce(rawValue: v.uppercased()) == nil {
            throw ValidationError("--validity must be DAY or IOC, got \(v)")
        }
    }

    func run() async throws {
        let body = PlaceOrderRequest(symbol: symbol, exchange: exchange, quantity: qty, side: side.uppercased(),
                                     product: product?.uppercased(), orderType: type?.uppercased(),
                                     price: price.flatMap { Price($0) }, triggerPrice: triggerPrice.flatMap { Price($0) },
                                     validity: validity, broker: broker, client: client, clientOrderId: clientOrderId,
                                     afterMarket: afterMarket ? true : nil)
        let data = try await HTTPClient.post(try HTTPClient.url(server: options.server, path: ["api", "order", "place"]),
                                             json: try JSONEncoder().encode(body))
        try options.show(OrderDTO.self, data, text: OrderText.render)
    }
}

struct OrderStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "order-status", abstract: "Show an order by its id (O-…).")

    @Argument(help: "Vega's order id, e.g. O-12.")
    var id: String
    @OptionGroup var options: ServerOptions

    func validate() throws { guard !id.isEmpty else { throw ValidationError("give an order id, e.g. O-12") } }

    func run() async throws {
        let url = try HTTPClient.url(server: options.server, path: ["api", "order", "status"], query: ["id": id])
        try options.show(OrderDTO.self, try await HTTPClient.get(url), text: OrderText.render)
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel an open order by its id (O-…).")

    @Argument(help: "Vega's order id, e.g. O-12.")
    var id: String
    @OptionGroup var options: ServerOptions

    func validate() throws { guard !id.isEmpty else { throw ValidationError("give an order id, e.g. O-12") } }

    func run() async throws {
        let url = try HTTPClient.url(server: options.server, path: ["api", "order", "cancel"], query: ["id": id])
        try options.show(OrderDTO.self, try await HTTPClient.post(url), text: OrderText.render)
    }
}

struct PortfolioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portfolio", abstract: "Positions merged across brokers, with realised and unrealised P&L.")

    @Option(help: "Only this client.")
    var client: String?
    @OptionGroup var options: ServerOptions

    func validate() throws {
        if let client, client.isEmpty || client.count > 64 { throw ValidationError("--client must be 1…64 characters") }
    }

    func run() async throws {
        let url = try HTTPClient.url(server: options.server, path: ["api", "portfolio"],
                                     query: client.map { ["client": $0] } ?? [:])
        try options.show(PortfolioDTO.self, try await HTTPClient.get(url), text: OrderText.render)
    }
}

struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "The latest stored orders, newest first (FIX, REST and CLI orders alike).")

    @Option(help: "Only this client's orders.")
    var client: String?
    @Flag(help: "Only orders not yet closed.")
    var open = false
    @Option(help: "At most this many orders (1…500).")
    var limit = 50
    @Option(help: "Only orders numbered below this (the `older` a listing prints, to go on with older orders).")
    var before: Int?
    @OptionGroup var options: ServerOptions

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be from 1 to 500, not \(limit)") }
        if let before, before < 1 { throw ValidationError("--before must be at least 1, not \(before)") }
        if let client, client.isEmpty { throw ValidationError("--client must not be empty") }
    }

    func run() async throws {
        var query = ["limit": String(limit)]
        if let client { query["client"] = client }
        if open { query["open"] = "true" }
        if let before { query["before"] = String(before) }
        let url = try HTTPClient.url(server: options.server, path: ["api", "orders"], query: query)
        try options.show(OrderListDTO.self, try await HTTPClient.get(url), text: OrderText.render)
    }
}

/// Text output of the order commands.
enum OrderText {
    static func render(_ o: OrderDTO) -> String {
        let trigger = o.triggerPrice.map { ", trigger \($0.rupeesString)" } ?? ""
        var lines = [
            "order \(o.orderId)  \(o.status)\(o.afterMarketHeld ? " (held for the open)" : "")  \(o.side) \(o.quantity) "
                + "\(o.symbol)\(o.exchange.map { " (\($0))" } ?? "")"
                + "\(o.price.map { " @ \($0.rupeesString)" } ?? " at market")",
            "  type \(o.orderType)\(trigger)  validity \(o.validity ?? "-")  product \(o.product ?? "-")  broker \(o.broker ?? "-")",
            "  client \(o.client)  clOrdID \(o.clientOrderId)"
                + (o.createdAt.map { "  created \(ISTDateTime(epochMilliseconds: $0).description)" } ?? ""),
            "  filled \(o.filledQuantity)  leaves \(o.leavesQuantity)"
                + (o.filledQuantity > 0 ? "  avg price \(o.averagePrice.rupeesString)" : ""),
        ]
        if let b = o.brokerOrderId { lines.append("  broker order \(b)  status \(o.brokerStatus ?? "-")") }
        if let c = o.rejectCode { lines.append("  rejected \(c): \(o.rejectReason ?? "")") }
        return lines.map(printable).joined(separator: "\n") + "\n"
    }

    static func render(_ list: OrderListDTO) -> String {
        var text = ""
        if list.orders.isEmpty {
            text = list.openOnly ? "no open orders\n" : "no orders\n"
        } else {
            let headers = ["ORDER", "CLORDID", "CLIENT", "SYMBOL", "SIDE", "TYPE", "STATUS", "QTY", "PRICE", "FILLED", "AVG"]
            let rows = list.orders.map { o in
                [o.orderId, o.clientOrderId, o.client, o.symbol, o.side, o.orderType, o.status + (o.afterMarketHeld ? " (held)" : ""),
                 String(o.quantity), o.price?.rupeesString ?? "market", String(o.filledQuantity), o.averagePrice.rupeesString]
            }
            text = TextTable.render(headers, rows, leftAligned: 7, indent: "")
        }
        if let unreadable = list.unreadable {
            text += "stored orders that cannot be read back: \(unreadable.joined(separator: ", "))\n"
        }
        if let older = list.older { text += "older orders: trader-cli orders --before \(older)\n" }
        return text
    }

    static func render(_ p: PortfolioDTO) -> String {
        guard !p.positions.isEmpty else { return "no positions\n" }
        let headers = ["CLIENT", "SYMBOL", "PRODUCT", "BROKERS", "CARRIED", "BUY", "SELL", "NET", "AVG", "LTP", "REALISED", "UNREALISED"]
        let rows = p.positions.map { l in
            [l.client, l.symbol, l.product, l.brokers.joined(separator: ","), String(l.carriedQuantity), String(l.dayBuyQuantity),
             String(l.daySellQuantity), String(l.netQuantity), l.averagePrice.rupeesString, l.lastPrice?.rupeesString ?? "-",
             l.realisedPnl.rupeesString, l.unrealisedPnl?.rupeesString ?? "-"].map(printable)
        }
        var widths = headers.map(\.count)
        for r in rows { for (k, c) in r.enumerated() { widths[k] = max(widths[k], c.count) } }
        func line(_ r: [String]) -> String {
            r.enumerated().map { k, c in c.padding(toLength: widths[k], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(headers) + rows.map(line).joined()
            + "total realised \(p.realisedPnl.rupeesString)  unrealised \(p.unrealisedPnl.rupeesString)\n"
    }
}
