import OMSCore

/// The order-status words Upstox (lower case) and Kite (upper case) share (brokers.md §4).
public enum BrokerStatusVocabulary {
    public static func phase(_ raw: String) -> BrokerOrderPhase {
        switch raw.lowercased() {
        case "open", "trigger pending": return .open
        case "complete": return .filled
        case "cancelled", "cancelled after market order": return .canceled
        case "rejected": return .rejected
        case "modify validation pending", "modify pending", "modify after market order req received":
            return .pendingReplace
        case "modified": return .replaced
        case "not modified": return .replaceRejected
        case "cancel pending": return .pendingCancel
        case "not cancelled": return .cancelRejected
        case "expired": return .expired
        // put order req received, validation pending, open pending, amo req received,
        // after market order req received, and anything new: not at the exchange yet.
        default: return .pendingNew
        }
    }

    /// BUY/SELL (any case).
    public static func side(_ raw: String?) -> Side { raw?.uppercased() == "SELL" ? .sell : .buy }
}

extension BrokerError {
    /// A response that does not have the documented shape.
    public static func malformed(_ what: String) -> BrokerError { .unavailable("unexpected broker response: \(what)") }
}

extension JSONValue {
    /// The `data` array of a success answer (Upstox, Kite), or an empty list.
    public func list(_ key: String) -> [JSONValue] { self[key]?.array ?? [] }
}

extension BrokerStatusVocabulary {
    /// An order object with the field names Upstox and Kite share (`order_id`, `tag`, `exchange_order_id`,
    /// `transaction_type`, `quantity`, `filled_quantity`, `average_price`, `price`, `trigger_price`, `status`,
    /// `status_message`); `symbol` is the instrument in the broker's form.
    public static func order(_ o: JSONValue, symbol: String) -> BrokerOrderRecord? {
        guard let id = o["order_id"]?.text else { return nil }
        let raw = o["status"]?.string ?? ""
        return BrokerOrderRecord(
            brokerOrderID: id, tag: o["tag"]?.text, exchangeOrderID: o["exchange_order_id"]?.text, symbol: symbol,
            side: side(o["transaction_type"]?.string), quantity: Quantity(o["quantity"]?.int ?? 0),
            filledQuantity: Quantity(o["filled_quantity"]?.int ?? 0), averagePrice: o["average_price"]?.price ?? .zero,
            limitPrice: o["price"]?.price, triggerPrice: o["trigger_price"]?.price, phase: phase(raw), rawStatus: raw,
            message: o["status_message"]?.text)
    }

    /// A trade object with the field names Upstox and Kite share (`trade_id`, `order_id`, `transaction_type`,
    /// `quantity`, `average_price`).
    public static func trade(_ t: JSONValue, symbol: String) -> BrokerTrade? {
        guard let tradeID = t["trade_id"]?.text, let orderID = t["order_id"]?.text else { return nil }
        return BrokerTrade(tradeID: tradeID, brokerOrderID: orderID, tag: nil, symbol: symbol,
                           side: side(t["transaction_type"]?.string), quantity: Quantity(t["quantity"]?.int ?? 0),
                           price: t["average_price"]?.price ?? .zero)
    }
}

extension BrokerCapabilities {
    /// What Upstox, Kite and Fyers all take through their APIs: the four order types, DAY/IOC, the four
    /// products, after-market orders, and SEBI's 10 orders per second.
    public static let indianRetailAPI = BrokerCapabilities(
        orderTypes: [.market, .limit, .stop, .stopLimit], validities: [.day, .ioc], products: [.cnc, .mis, .mtf, .nrml],
        supportsAfterMarketOrders: true, maxOrdersPerSecond: 10)
}
