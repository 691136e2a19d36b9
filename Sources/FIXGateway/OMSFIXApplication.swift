import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers
import OMSCore

/// The OMS behind the FIX session layer: NewOrderSingle, OrderCancelRequest, OrderCancelReplaceRequest and
/// OrderStatusRequest go to the `OrderEngine`, in the order they arrived; reports come back as
/// ExecutionReports and OrderCancelRejects on the client's session, and every ExecutionReport is copied to
/// the drop-copy sessions.
///
/// Each report is stored (the journal attachment: order, event, execution, position) in the same
/// transaction as its outbound FIX message; fills are booked in the portfolio first.
public final class OMSFIXApplication: FIXApplication, OrderReportSink {
    /// Turns a report (and the position a fill made) into data the store writes with the message.
    public typealias Journal = @Sendable (OrderReport, PortfolioPosition?) -> any FIXStoreAttachment

    enum Outbound: Sendable {
        case report(OrderReport)
        /// Resumed with the store ticket that covers every report before it, or with `ReportLoopStopped`
        /// when the report loop ended first (the reports before it may never be stored).
        case marker(CheckedContinuation<FIXStoreTicket, any Error>)
        /// The engine has taken the session's requests up to this one, and their reports are queued before it:
        /// once those are handed to the store, the session may store the numbers as processed.
        case processed(FIXSession, FIXInboundToken)
    }

    /// A FIX request on its way to the engine, with the session message it came in.
    struct Request: Sendable {
        let command: OrderCommand
        let session: FIXSession
        let inbound: FIXInboundToken
    }

    private let sessions = NIOLockedValueBox<[String: FIXSession]>([:])
    private let dropCopies = NIOLockedValueBox<[FIXSession]>([])
    /// Orders in, reports out: each loop takes everything queued at once (one visit to the engine or to a
    /// session for many messages under load).
    private let commands = BatchQueue<Request>()
    private let reports = BatchQueue<Outbound>()
    private let engineBox = NIOLockedValueBox<OrderEngine?>(nil)
    private let store: (any FIXMessageStore)?
    private let journal: Journal?
    private let book: NIOLockedValueBox<PortfolioBook>
    /// The highest store ticket of a report sent so far (touched by the report loop only).
    private let lastTicket = NIOLockedValueBox<FIXStoreTicket>(0)

    /// - Parameters:
    ///   - store: where reports are made durable (with `journal`); nil: nothing is stored.
    ///   - positions: the portfolio as stored.
    public init(store: (any FIXMessageStore)? = nil, journal: Journal? = nil, positions: [PortfolioPosition] = []) {
        self.store = store
        self.journal = journal
        self.book = NIOLockedValueBox(PortfolioBook(positions))
    }

    /// The portfolio as the fills so far made it.
    public var portfolio: PortfolioBook { book.withLockedValue { $0 } }

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
                while let batch = await self.commands.next() {
                    await engine.perform(batch.map(\.command))
                    // What the batch made at once (PendingNew, rejections, cancel and status answers) is queued
                    // now: behind it, each session learns which of its messages the engine has taken.
                    var last: [ObjectIdentifier: Request] = [:]
                    for r in batch { last[ObjectIdentifier(r.session)] = r }
                    for r in last.values { self.reports.push(.processed(r.session, r.inbound)) }
                }
            }
            g.addTask {
                while let batch = await self.reports.next() { await self.send(batch) }
                // Stopped: reports still queued will not be stored, so whoever waits for durability is told so.
                for case .marker(let c) in self.reports.close() { c.resume(throwing: ReportLoopStopped()) }
            }
        }
    }

    public func deliver(_ report: OrderReport) { reports.push(.report(report)) }

    /// Returns once every report delivered so far (for any order) is durable.
    public func waitUntilDurable(_ orderID: OrderID) async throws { try await reportsDurable() }

    /// Returns once every report delivered before this call is stored and durable.
    public func reportsDurable() async throws {
        guard let store else { return }
        let ticket = try await withCheckedThrowingContinuation { c in
            if !reports.push(.marker(c)) { c.resume(throwing: ReportLoopStopped()) }
        }
        try await store.waitDurable(ticket)
    }

    /// Sends a batch of reports in order; a marker is answered once every report before it was handed over;
    /// sessions hear which of their requests are processed once the whole batch was (later than needed is safe).
    func send(_ batch: [Outbound]) async {
        var reports: [OrderReport] = []
        var processed: [(FIXSession, FIXInboundToken)] = []
        for o in batch {
            switch o {
            case .report(let r): reports.append(r)
            case .marker(let c):
                await send(reports)
                reports.removeAll()
                c.resume(returning: lastTicket.withLockedValue { $0 })
            case .processed(let s, let t): processed.append((s, t))
            }
        }
        await send(reports)
        for (s, t) in processed { await s.processed(through: t) }
    }

    private struct Outgoing {
        let message: FIXOutboundMessage
        let attachments: [any FIXStoreAttachment]
        let session: String?
        /// The client whose report it is, for drop-copy filters: the session's CompID, or the client id.
        let owner: String
        let isCopied: Bool
    }

    /// Each run of reports for one client session goes to it in one visit, then each drop copy gets its
    /// copies; reports for no session (REST, CLI) are stored with their journal data alone. Everything is
    /// stored in the order the reports came.
    private func send(_ reports: [OrderReport]) async {
        guard !reports.isEmpty else { return }
        var items: [Outgoing] = []
        items.reserveCapacity(reports.count)
        for r in reports {
            var position: PortfolioPosition?
            if case .fill(let q, let px, _) = r.kind, let o = r.order, let i = o.instrument, let product = o.product {
                let day = ISTDateTime.day(epochMilliseconds: r.transactTime)
                position = book.withLockedValue {
                    $0.apply(client: o.client, broker: o.broker ?? .paper, instrument: i, product: product,
                             side: o.request.side, quantity: q, price: px, tradingDay: day)
                }
            }
            let attachments = journal.map { [$0(r, position)] } ?? []
            switch r.destination {
            case .fix(let compID):
                items.append(Outgoing(message: r.fixMessage, attachments: attachments, session: compID, owner: compID,
                                      isCopied: r.isCopiedToDropCopies))
            case .cli, .rest:
                items.append(Outgoing(message: r.fixMessage, attachments: attachments, session: nil,
                                      owner: r.client?.rawValue ?? r.destination.description,
                                      isCopied: r.isCopiedToDropCopies))
            }
        }
        // A report and its drop copies are stored together or not at all: a crash between the client's commit
        // and the copies' would leave the drop copy without a report the client has (and nothing makes it again).
        let dropCopies = self.dropCopies.withLockedValue { $0 }
        let group = dropCopies.isEmpty ? nil : store?.beginGroup()
        defer { if let group { store?.endGroup(group) } }
        // Stored in report order: the journal keeps the last position written per key, so a run of reports
        // for one session goes in one visit, and the next run (another session, or REST/CLI) after it.
        var highest: FIXStoreTicket = 0
        var start = 0
        while start < items.count {
            let compID = items[start].session
            var end = start + 1
            while end < items.count, items[end].session == compID { end += 1 }
            // Items no session took (REST, CLI, a session unknown or not sending): stored with their journal data alone.
            var alone: [Int] = []
            if let compID, let s = sessions.withLockedValue({ $0[compID] }) {
                let tickets = await s.sendAll(items[start..<end].map { ($0.message, $0.attachments) })
                for (i, t) in zip(start..<end, tickets) {
                    if let t { highest = max(highest, t) } else { alone.append(i) }
                }
            } else {
                alone = Array(start..<end)
            }
            if let store {
                for i in alone where !items[i].attachments.isEmpty {
                    highest = max(highest, store.enqueue(nil, [], attachments: items[i].attachments))
                }
            }
            start = end
        }
        if highest > 0 { lastTicket.withLockedValue { $0 = max($0, highest) } }
        let copies = items.filter(\.isCopied)
        guard !copies.isEmpty else { return }
        for d in dropCopies {
            let clients = d.settings.dropCopyClients
            let messages = copies.filter { clients.isEmpty || clients.contains($0.owner) }.map(\.message)
            if !messages.isEmpty { await d.sendAll(messages) }
        }
    }

    public func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        let source = OrderSource.fix(session: context.sessionID.targetCompID)
        guard let session = sessions.withLockedValue({ $0[context.sessionID.targetCompID] }) else {
            return .businessReject(.notAuthorized, text: "Drop-copy sessions do not take orders", refID: message.string(11))
        }
        // Taken by the engine in order; the session stores each message's number as processed once the engine
        // has made its first reports and they are with the store (`handedOn`).
        // A request sent again (PossDupFlag=Y, after a ResendRequest) whose ClOrdID is known gets the status of
        // the order it names instead of a duplicate rejection of its own first copy.
        let resent = message.bool(FIXTag.possDupFlag)
        func push(_ command: OrderCommand) {
            commands.push(Request(command: resent ? .resent(command) : command, session: session,
                                  inbound: context.inbound))
        }
        switch message.msgType {
        case "D":
            guard let o = FIXNewOrderSingle(message) else { return .unsupportedMessageType }
            switch Self.request(o, source: source, defaultClient: context.sessionID.targetCompID) {
            case .success(var r):
                // Routing: the order's broker (5002), else the session's DefaultBroker, else the engine's default.
                if r.broker == nil, let b = session.settings.defaultBroker { r.broker = BrokerID(b) }
                push(.submit(r))
            case .failure(let e):
                // Answered in order state (ExecutionReport 150=8, 103=11 or 13), as fix-mapping.md §8 asks.
                push(.rejectUnmapped(Self.echo(o, source: source, defaultClient: context.sessionID.targetCompID),
                                     e.rejection))
            }
        case "F":
            guard let c = FIXOrderCancelRequest(message) else { return .unsupportedMessageType }
            push(.cancel(source, ClientOrderID(c.clOrdID), orig: ClientOrderID(c.origClOrdID)))
        case "G":
            guard let g = FIXOrderCancelReplaceRequest(message) else { return .unsupportedMessageType }
            let clOrdID = ClientOrderID(g.order.clOrdID), orig = ClientOrderID(g.origClOrdID)
            // A well-formed request with a quantity or price Vega cannot take: an OrderCancelReject (102=99 and
            // Text, fix-mapping.md §7), the order left as it is — never a price taken for one not given.
            guard let q = g.order.orderQty.flatMap(Self.quantity) else {
                push(.refuseReplace(source, clOrdID, orig: orig,
                                    text: "OrderQty (38) must be a whole number, got \(g.order.orderQty ?? "nothing")"))
                return .handedOn
            }
            let price: Price?
            do throws(UnholdablePrice) { price = try Self.price(g.order.price, tag: 44) } catch {
                push(.refuseReplace(source, clOrdID, orig: orig, text: "Price (44) is not a price Vega can hold: \(error.text)"))
                return .handedOn
            }
            push(.replace(source, clOrdID, orig: orig, q, price))
        case "H":
            guard let h = FIXOrderStatusRequest(message) else { return .unsupportedMessageType }
            push(.status(source, ClientOrderID(h.clOrdID), reference: context.inbound.sequence))
        default:
            return .unsupportedMessageType
        }
        return .handedOn
    }

    /// A price field that the dictionary let through (any decimal) but Vega cannot hold (beyond Int64
    /// ten-thousandths).
    struct UnholdablePrice: Error {
        let tag: Int
        let text: String
    }

    /// The price in a field: nil when the field is absent; a present one that is not a price Vega can hold is
    /// an error naming it, never taken for a price not given.
    static func price(_ text: String?, tag: Int) throws(UnholdablePrice) -> Price? {
        guard let text else { return nil }
        guard let p = Price(text) else { throw UnholdablePrice(tag: tag, text: text) }
        return p
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
        guard let type = orderType(o.ordType) else {
            return .failure(MappingError(rejection: .unsupported(characteristic: "ordType", value: o.ordType)))
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
        // Each price parsed once; one Vega cannot hold is named.
        let limitPrice: Price?, triggerPrice: Price?, strikePrice: Price?
        do throws(UnholdablePrice) {
            limitPrice = try price(o.price, tag: 44)
            triggerPrice = try price(o.stopPx, tag: 99)
            strikePrice = try price(o.strikePrice, tag: 202)
        } catch {
            return .failure(MappingError(rejection: .unsupported(characteristic: "price (\(error.tag))", value: error.text)))
        }
        var product: Product? = nil
        if let p = o.custom[5001] { product = Product(rawValue: p) }
        let lookup = InstrumentLookup(symbol: o.symbol, exchange: o.securityExchange, securityID: o.securityID,
                                      securityIDSource: o.securityIDSource, securityType: o.securityType,
                                      maturityDate: o.maturityDate, maturityMonthYear: o.maturityMonthYear,
                                      putOrCall: o.putOrCall == "0" ? .put : o.putOrCall == "1" ? .call : nil,
                                      strikePrice: strikePrice)
        return .success(OrderRequest(source: source, clientOrderID: ClientOrderID(o.clOrdID),
                                     client: ClientID(o.account ?? defaultClient), lookup: lookup, side: side,
                                     orderType: type, timeInForce: tif, quantity: qty,
                                     limitPrice: limitPrice, triggerPrice: triggerPrice,
                                     product: product, broker: o.custom[5002].map { BrokerID($0) },
                                     afterMarket: o.custom[5003] == "Y", marketProtectionPct: o.custom[5004].flatMap { Int($0) },
                                     algoID: o.custom[5005], slice: o.custom[5012] == "Y"))
    }
}

extension OMSFIXApplication {
    /// OrdType (40) 1, 2, 3, 4: the order types Vega takes.
    static func orderType(_ code: String) -> OrderType? {
        ["1": .market, "2": .limit, "3": .stop, "4": .stopLimit][code]
    }

    /// What can be read of a NewOrderSingle that `request` refused, for its rejection to echo: the account, the
    /// side as buy or sell (SellPlus and the short sells as sell), the type, validity, quantity and prices where
    /// they are valid (else the type the price implies, DAY, zero, none).
    static func echo(_ o: FIXNewOrderSingle, source: OrderSource, defaultClient: String) -> OrderRequest {
        let side: Side = ["2", "4", "5", "6"].contains(o.side) ? .sell : .buy
        let limitPrice = try? price(o.price, tag: 44)
        let type = orderType(o.ordType) ?? (limitPrice == nil ? .market : .limit)
        return OrderRequest(source: source, clientOrderID: ClientOrderID(o.clOrdID),
                            client: ClientID(o.account ?? defaultClient),
                            lookup: InstrumentLookup(symbol: o.symbol, exchange: o.securityExchange,
                                                     securityID: o.securityID, securityIDSource: o.securityIDSource),
                            side: side, orderType: type, timeInForce: o.timeInForce == "3" ? .ioc : .day,
                            quantity: o.orderQty.flatMap(quantity) ?? .zero, limitPrice: limitPrice,
                            triggerPrice: try? price(o.stopPx, tag: 99),
                            product: o.custom[5001].flatMap { Product(rawValue: $0) },
                            broker: o.custom[5002].map { BrokerID($0) })
    }
}

/// The report loop has stopped (shutdown): reports delivered now are neither sent nor stored.
public struct ReportLoopStopped: Error, CustomStringConvertible {
    public var description: String { "the report loop has stopped: the order flow is shutting down" }
}

/// Why a FIX order could not be turned into an `OrderRequest`.
struct MappingError: Error {
    let rejection: OrderRejection
}
