import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers
import OMSCore

/// The OMS behind the FIX session layer: NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest and
/// OrderStatusRequest go to the `OrderEngine`, in the order they arrived; reports come back as
/// ExecutionReports and OrderCancelRejects on the client's session, and every ExecutionReport is copied to
/// the drop-copy sessions.
public final class OMSFIXApplication: FIXApplication, OrderReportSink {
    enum Command: Sendable {
        case submit(OrderRequest)
        case rejectUnmapped(OrderSource, ClientOrderID, Side, String?, OrderRejection)
        case cancel(OrderSource, ClientOrderID, ClientOrderID)
        case replace(OrderSource, ClientOrderID, ClientOrderID, Quantity, Price?)
        case status(OrderSource, ClientOrderID)
    }

    private let sessions = NIOLockedValueBox<[String: FIXSession]>([:])
    private let dropCopies = NIOLockedValueBox<[FIXSession]>([])
    private let commands: AsyncStream<Command>.Continuation
    private let commandStream: AsyncStream<Command>
    private let reports: AsyncStream<OrderReport>.Continuation
    private let reportStream: AsyncStream<OrderReport>
    private let engineBox = NIOLockedValueBox<OrderEngine?>(nil)

    public init() {
        (commandStream, commands) = AsyncStream.makeStream(of: Command.self)
        (reportStream, reports) = AsyncStream.makeStream(of: OrderReport.self)
    }

    /// Registers the sessions (clients by their CompID; drop copies apart).
    public func register(_ all: [FIXSession]) {
        for s in all {
            if s.settings.dropCopy {
                dropCopies.withLockedValue { $0.append(s) }
            } else {
                sessions.withLockedValue { $0[s.id.targetCompID] = s }
            }
        }
    }

    /// Runs the command and report loops until cancelled.
    public func run(engine: OrderEngine) async {
        engineBox.withLockedValue { $0 = engine }
        await withTaskGroup(of: Void.self) { g in
            g.addTask {
                for await c in self.commandStream {
                    switch c {
                    case .submit(let r): await engine.submit(r)
                    case .rejectUnmapped(let s, let c, let side, let symbol, let why):
                        await engine.rejectUnmapped(source: s, clientOrderID: c, side: side, symbol: symbol, rejection: why)
                    case .cancel(let s, let c, let o): await engine.cancel(source: s, clientOrderID: c, origClientOrderID: o)
                    case .replace(let s, let c, let o, let q, let p):
                        await engine.replace(source: s, clientOrderID: c, origClientOrderID: o, quantity: q, limitPrice: p)
                    case .status(let s, let c): await engine.status(source: s, clientOrderID: c)
                    }
                }
            }
            g.addTask {
                for await r in self.reportStream { await self.send(r) }
            }
        }
    }

    public func deliver(_ report: OrderReport) { reports.yield(report) }

    private func send(_ r: OrderReport) async {
        guard case .fix(let compID) = r.destination else { return }
        let message = r.fixMessage
        if let s = sessions.withLockedValue({ $0[compID] }) { await s.send(message) }
        guard r.isExecutionReport else { return }
        for d in dropCopies.withLockedValue({ $0 }) {
            let clients = d.settings.dropCopyClients
            if clients.isEmpty || clients.contains(compID) { await d.send(message) }
        }
    }

    public func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        let source = OrderSource.fix(session: context.sessionID.targetCompID)
        if sessions.withLockedValue({ $0[context.sessionID.targetCompID] }) == nil {
            return .businessReject(.notAuthorized, text: "Drop-copy sessions do not take orders", refID: message.string(11))
        }
        switch message.msgType {
        case "D":
            guard let o = FIXNewOrderSingle(message) else { return .unsupportedMessageType }
            switch Self.request(o, source: source, defaultClient: context.sessionID.targetCompID) {
            case .success(let r): commands.yield(.submit(r))
            case .failure(let e):
                // Answered in order state (ExecutionReport 150=8, 103=11 or 13), as fix-mapping.md §8 asks.
                commands.yield(.rejectUnmapped(source, ClientOrderID(o.clOrdID), o.side == "2" ? .sell : .buy, o.symbol,
                                               e.rejection))
            }
        case "F":
            guard let c = FIXOrderCancelRequest(message) else { return .unsupportedMessageType }
            commands.yield(.cancel(source, ClientOrderID(c.clOrdID), ClientOrderID(c.origClOrdID)))
        case "G":
            guard let g = FIXOrderCancelReplaceRequest(message) else { return .unsupportedMessageType }
            guard let q = g.order.orderQty.flatMap(Self.quantity) else {
                return .businessReject(.conditionallyRequiredFieldMissing, text: "OrderQty (38) must be a whole number",
                                       refID: g.order.clOrdID)
            }
            commands.yield(.replace(source, ClientOrderID(g.order.clOrdID), ClientOrderID(g.origClOrdID), q,
                                    g.order.price.flatMap { Price($0) }))
        case "H":
            guard let h = FIXOrderStatusRequest(message) else { return .unsupportedMessageType }
            commands.yield(.status(source, ClientOrderID(h.clOrdID)))
        default:
            return .unsupportedMessageType
        }
        return .accepted
    }

    static func quantity(_ text: String) -> Quantity? {
        guard let p = Price(text), p.units % Price.scale == 0 else { return nil }
        return Quantity(p.units / Price.scale)
    }

    /// FIX NewOrderSingle → OrderRequest (fix-mapping.md §3–4); a text naming the problem when it cannot map.
    static func request(_ o: FIXNewOrderSingle, source: OrderSource, defaultClient: String) -> Result<OrderRequest, MappingError> {
        let side: Side
        switch o.side {
        case "1": side = .buy
        case "2": side = .sell
        default: return .failure(MappingError(rejection: .unsupported(characteristic: "side", value: o.side)))
        }
        let type: OrderType
        switch o.ordType {
        case "1": type = .market
        case "2": type = .limit
        case "3": type = .stop
        case "4": type = .stopLimit
        default: return .failure(MappingError(rejection: .unsupported(characteristic: "ordType", value: o.ordType)))
        }
        let tif: TimeInForce
        switch o.timeInForce ?? "0" {
        case "0": tif = .day
        case "3": tif = .ioc
        default: return .failure(MappingError(rejection: .unsupported(characteristic: "timeInForce", value: o.timeInForce ?? "")))
        }
        guard let qtyText = o.orderQty, let qty = quantity(qtyText) else {
            return .failure(MappingError(rejection: .incorrectQuantity(quantity: .zero, reason: "OrderQty (38) must be a whole number, got \(o.orderQty ?? "nothing")")))
        }
        var product: Product? = nil
        if let p = o.custom[5001] { product = Product(rawValue: p) }
        let lookup = InstrumentLookup(symbol: o.symbol, exchange: o.securityExchange, securityID: o.securityID,
                                      securityIDSource: o.securityIDSource, securityType: o.securityType,
                                      maturityDate: o.maturityDate, maturityMonthYear: o.maturityMonthYear,
                                      putOrCall: o.putOrCall == "0" ? .put : o.putOrCall == "1" ? .call : nil,
                                      strikePrice: o.strikePrice.flatMap { Price($0) })
        return .success(OrderRequest(source: source, clientOrderID: ClientOrderID(o.clOrdID),
                                     client: ClientID(o.account ?? defaultClient), lookup: lookup, side: side,
                                     orderType: type, timeInForce: tif, quantity: qty,
                                     limitPrice: o.price.flatMap { Price($0) }, triggerPrice: o.stopPx.flatMap { Price($0) },
                                     product: product, broker: o.custom[5002].map { BrokerID($0) },
                                     afterMarket: o.custom[5003] == "Y", marketProtectionPct: o.custom[5004].flatMap { Int($0) },
                                     algoID: o.custom[5005], slice: o.custom[5012] == "Y"))
    }
}

/// Why a FIX order could not be turned into an `OrderRequest`.
struct MappingError: Error {
    let rejection: OrderRejection
}
