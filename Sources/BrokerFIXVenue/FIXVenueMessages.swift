import FIXProtocol
import OMSCore

/// Vega's requests to a FIX 4.4 venue (fix-mapping.md §3–4): NewOrderSingle, OrderCancelRequest,
/// OrderCancelReplaceRequest and OrderStatusRequest. Body fields in ascending tag order.
struct FIXVenueMessages: Sendable {
    var account: String?
    var sendVegaTags: Bool
    var sendInstrumentIDs: Bool

    init(_ settings: FIXVenueSettings) {
        account = settings.account
        sendVegaTags = settings.sendVegaTags
        sendInstrumentIDs = settings.sendInstrumentIDs
    }

    /// 35=D with ClOrdID (11) = Vega's tag.
    func newOrderSingle(_ o: BrokerOrderRequest, transactTime: FIXTimestamp) -> FIXOutboundMessage {
        var f = Fields()
        f[FIXTag.clOrdID] = o.tag
        f[VenueTag.currency] = "INR"
        f[VenueTag.handlInst] = "1"
        order(o, quantity: o.quantity, limitPrice: o.limitPrice, triggerPrice: o.triggerPrice, into: &f)
        if sendVegaTags {
            if o.afterMarket { f[VenueTag.afterMarketOrder] = "Y" }
            if let a = o.algoID, !a.isEmpty { f[VenueTag.algoID] = a }
        }
        return f.message("D", transactTime: transactTime)
    }

    /// 35=F for the order whose last accepted ClOrdID is `origClOrdID`.
    func cancel(_ o: BrokerOrderRequest, clOrdID: String, origClOrdID: String, venueOrderID: String?,
                transactTime: FIXTimestamp) -> FIXOutboundMessage {
        var f = Fields()
        f[FIXTag.clOrdID] = clOrdID
        f[FIXTag.origClOrdID] = origClOrdID
        if let v = venueOrderID { f[FIXTag.orderID] = v }
        f[FIXTag.orderQty] = String(o.quantity.value)
        f[FIXTag.side] = Self.side(o.side)
        instrument(o.instrument, into: &f)
        if let a = account { f[FIXTag.account] = a }
        return f.message("F", transactTime: transactTime)
    }

    /// 35=G: the order as it should stand after the change (quantity, prices), other terms unchanged.
    func replace(_ o: BrokerOrderRequest, clOrdID: String, origClOrdID: String, venueOrderID: String?,
                 quantity: Quantity, limitPrice: Price?, triggerPrice: Price?,
                 transactTime: FIXTimestamp) -> FIXOutboundMessage {
        var f = Fields()
        f[FIXTag.clOrdID] = clOrdID
        f[FIXTag.origClOrdID] = origClOrdID
        if let v = venueOrderID { f[FIXTag.orderID] = v }
        f[VenueTag.currency] = "INR"   // as on the order it changes
        f[VenueTag.handlInst] = "1"
        order(o, quantity: quantity, limitPrice: limitPrice ?? o.limitPrice, triggerPrice: triggerPrice ?? o.triggerPrice,
              into: &f)
        return f.message("G", transactTime: transactTime)
    }

    /// 35=H for the order whose last accepted ClOrdID is `clOrdID`; OrdStatusReqID (790) = `requestID`.
    func statusRequest(_ o: BrokerOrderRequest, clOrdID: String, venueOrderID: String?, requestID: String) -> FIXOutboundMessage {
        var f = Fields()
        f[FIXTag.clOrdID] = clOrdID
        if let v = venueOrderID { f[FIXTag.orderID] = v }
        f[FIXTag.side] = Self.side(o.side)
        f[VenueTag.ordStatusReqID] = requestID
        instrument(o.instrument, into: &f)
        if let a = account { f[FIXTag.account] = a }
        return f.message("H", transactTime: nil)
    }

    // MARK: Field groups

    private func order(_ o: BrokerOrderRequest, quantity: Quantity, limitPrice: Price?, triggerPrice: Price?,
                       into f: inout Fields) {
        if let a = account { f[FIXTag.account] = a }
        f[FIXTag.orderQty] = String(quantity.value)
        f[FIXTag.ordType] = Self.ordType(o.orderType)
        if o.orderType.hasLimitPrice, let p = limitPrice { f[FIXTag.price] = p.rupeesString }
        if o.orderType.hasTriggerPrice, let t = triggerPrice { f[VenueTag.stopPx] = t.rupeesString }
        f[FIXTag.side] = Self.side(o.side)
        f[FIXTag.timeInForce] = o.timeInForce == .ioc ? "3" : "0"
        instrument(o.instrument, into: &f)
        if sendVegaTags { f[VenueTag.productType] = o.product.rawValue }
    }

    /// Symbol (55) always; with `sendInstrumentIDs` also 48/22, 207, 167 and the derivative terms (§3).
    private func instrument(_ i: Instrument, into f: inout Fields) {
        let derivative = i.isDerivative
        f[FIXTag.symbol] = derivative ? (i.underlyingSymbol ?? i.tradingSymbol) : i.tradingSymbol
        guard sendInstrumentIDs else { return }
        if !derivative, let isin = i.isin, !isin.isEmpty {
            f[VenueTag.securityID] = isin
            f[VenueTag.securityIDSource] = "4"
        } else if let token = i.exchangeToken, !token.isEmpty {
            f[VenueTag.securityID] = token
            f[VenueTag.securityIDSource] = "8"
        }
        f[VenueTag.securityExchange] = i.exchange
        if derivative {
            f[VenueTag.securityType] = i.optionType == nil ? "FUT" : "OPT"
            if let day = i.expiryDay {
                let (y, m, d) = FIXTimestamp.civil(fromDays: Int64(day))
                f[VenueTag.maturityDate] = pad(y, 4) + pad(m, 2) + pad(d, 2)
            }
            if let o = i.optionType { f[VenueTag.putOrCall] = o == .put ? "0" : "1" }
            if let k = i.strikePrice { f[VenueTag.strikePrice] = k.description }
        } else {
            f[VenueTag.securityType] = "CS"
        }
    }

    static func side(_ s: Side) -> String { s == .buy ? "1" : "2" }

    static func ordType(_ t: OrderType) -> String {
        switch t {
        case .market: return "1"
        case .limit: return "2"
        case .stop: return "3"
        case .stopLimit: return "4"
        }
    }

    /// Body fields by tag, written in ascending tag order.
    struct Fields {
        private var values: [Int: String] = [:]
        subscript(tag: Int) -> String? {
            get { values[tag] }
            set { values[tag] = newValue }
        }

        func message(_ msgType: String, transactTime: FIXTimestamp?) -> FIXOutboundMessage {
            var m = FIXOutboundMessage(msgType: msgType)
            var time = transactTime
            for tag in values.keys.sorted() {
                if let t = time, tag > FIXTag.transactTime {
                    m.append(FIXTag.transactTime, t)
                    time = nil
                }
                m.append(tag, values[tag]!)
            }
            if let t = time { m.append(FIXTag.transactTime, t) }
            return m
        }
    }
}

/// Zero-padded decimal digits (`pad(7, 2)` = `07`).
private func pad<I: BinaryInteger>(_ v: I, _ width: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
