import BrokerKit
import Foundation
import Hummingbird
import Logging
import OMSCore

/// A fake broker built from brokers.md, with the scenario hooks the shared suite drives.
protocol FakeBroker: Sendable {
    var book: FakeBook { get }
    /// Path (suffix) and method of a placement, to count what the adapter sent.
    var placeMethod: String { get }
    var placePath: String { get }
    /// The SEBI algo id as the broker received it (nil where the broker takes none).
    func algoID(_ placement: SeenRequest) -> String?
    func makeAdapter(credentials: BrokerCredentials, settings: BrokerSettings, logger: Logger) -> any BrokerConnection
    func stop()
    /// Stops the servers and returns once they no longer accept connections.
    func stopAndWait() async
}

enum TestCredentials {
    static let apiKey = "APPKEY1-100"
    static let accessToken = "tok-SECRET-7f3a9c"
    static let apiSecret = "sec-HIDDEN-42"
    static var credentials: BrokerCredentials {
        BrokerCredentials(apiKey: apiKey, apiSecret: apiSecret, accessToken: accessToken)
    }
}

/// Checks shared by the fakes' request handlers.
struct FakeChecks {
    var violations: [String] = []

    mutating func require(_ ok: Bool, _ text: @autoclosure () -> String) {
        if !ok { violations.append(text()) }
    }

    mutating func header(_ seen: SeenRequest, _ name: String, _ expected: String) {
        let actual = seen.header(name)
        require(actual == expected, "\(seen.method) \(seen.path): header \(name) is \(actual ?? "missing"), expected \(expected)")
    }

    mutating func oneOf(_ fields: [String: FJSON], _ key: String, _ allowed: [String]) {
        require(fields[key]?.string.map(allowed.contains) == true,
                "\(key)=\(String(describing: fields[key])) not one of \(allowed)")
    }

    mutating func oneOf(_ fields: [String: String], _ key: String, _ allowed: [String]) {
        require(fields[key].map(allowed.contains) == true, "\(key)=\(fields[key] ?? "missing") not one of \(allowed)")
    }

    mutating func int(_ fields: [String: FJSON], _ key: String, optional: Bool = false) {
        if optional && fields[key] == nil { return }
        require(fields[key]?.int != nil, "\(key) is not an integer: \(String(describing: fields[key]))")
    }

    mutating func number(_ fields: [String: FJSON], _ key: String) {
        require(fields[key]?.number != nil, "\(key) is not a number: \(String(describing: fields[key]))")
    }

    mutating func bool(_ fields: [String: FJSON], _ key: String) {
        require(fields[key]?.bool != nil, "\(key) is not a boolean: \(String(describing: fields[key]))")
    }

    mutating func string(_ fields: [String: FJSON], _ key: String) {
        require(fields[key]?.string != nil, "\(key) is not a string: \(String(describing: fields[key]))")
    }
}

extension FakeBook {
    /// Records the request and the rules it broke; true when it may be answered normally.
    func admit(_ seen: SeenRequest, _ checks: FakeChecks) -> Bool {
        record(seen)
        for v in checks.violations { violation(v) }
        return checks.violations.isEmpty
    }

    /// Net positions from the trades: (symbol, product, net quantity, average price).
    func netPositions() -> [(symbol: String, product: String, net: Int, average: Double)] {
        var rows: [String: (String, String, Int, Double, Int)] = [:]
        var keys: [String] = []
        for t in trades {
            guard let o = orders[t.orderID] else { continue }
            let key = "\(o.symbol)|\(o.product)"
            if rows[key] == nil { keys.append(key); rows[key] = (o.symbol, o.product, 0, 0, 0) }
            let signed = o.side.uppercased() == "SELL" || o.side == "-1" ? -t.quantity : t.quantity
            rows[key]!.2 += signed
            rows[key]!.3 += t.price * Double(t.quantity)
            rows[key]!.4 += t.quantity
        }
        return keys.compactMap { rows[$0] }.map { ($0.0, $0.1, $0.2, $0.4 > 0 ? $0.3 / Double($0.4) : 0) }
    }
}

/// A demat holding the fakes serve (each in its broker's shape), and the rows every fake holds.
struct FakeHolding: Sendable {
    var tradingSymbol: String
    var exchange: String
    var isin: String
    /// Upstox's instrument key.
    var instrumentKey: String
    var quantity: Int
    var t1Quantity: Int
    var averagePrice: Double
    var lastPrice: Double
    var pnl: Double

    static let rows = [
        FakeHolding(tradingSymbol: "RELIANCE", exchange: "NSE", isin: "INE002A01018", instrumentKey: "NSE_EQ|INE002A01018",
                    quantity: 10, t1Quantity: 5, averagePrice: 1350.25, lastPrice: 1402.5, pnl: 522.5),
        FakeHolding(tradingSymbol: "SBIN", exchange: "NSE", isin: "INE062A01020", instrumentKey: "NSE_EQ|INE062A01020",
                    quantity: 20, t1Quantity: 0, averagePrice: 820.4, lastPrice: 805.15, pnl: -305),
    ]
}

extension FakeChecks {
    /// A book read: a GET without a body.
    mutating func bodyless(_ request: Request, body: String) {
        require(request.method == .get, "\(request.method) \(request.uri.path): expected GET")
        require(body.isEmpty, "\(request.uri.path): a GET with a body")
    }
}
