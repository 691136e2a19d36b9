@testable import FIXGateway
import FIXProtocol
import FIXSession
@testable import OMSCore
import OMSPersistence
import OMSTestSupport
import NIOConcurrencyHelpers
import Testing

/// The report loop of the FIX gateway: what it stores, in what order.
struct OMSFIXApplicationTests {
    static let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                     name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                                     lotSize: 1, tickSize: Price(paise: 10))

    /// A fill of `quantity` at 1400 for client AB1234's order `n`, entered through `source`.
    static func fill(_ n: Int, _ quantity: Int64, via source: OrderSource) -> OrderReport {
        let request = OrderRequest(source: source, clientOrderID: ClientOrderID("C-\(n)"), client: ClientID("AB1234"),
                                   lookup: InstrumentLookup(symbol: "RELIANCE", exchange: "NSE"), side: .buy, orderType: .market,
                                   quantity: Quantity(quantity), product: .cnc)
        let terms = OrderTerms(quantity: Quantity(quantity))
        guard case .filled(let closed) = PendingNewOrder(terms: terms).accepted().fill(Quantity(quantity), at: Price("1400.00")!) else {
            preconditionFailure("a fill of the whole quantity closes the order")
        }
        let o = OrderSnapshot(id: OrderID("O-\(n)"), sequence: n, source: source, clientOrderID: ClientOrderID("C-\(n)"),
                              pendingClientOrderID: nil, request: request, instrument: reliance, product: .cnc, broker: .paper,
                              lifecycle: .closed(closed), brokerOrderID: "PB\(n)", rawStatus: "complete")
        return OrderReport(destination: source, kind: .fill(quantity: Quantity(quantity), price: Price("1400.00")!, tradeID: "T\(n)"),
                           orderID: o.id, clientOrderID: o.clientOrderID, origClientOrderID: nil, execID: "E-\(n)",
                           status: o.status, side: .buy, symbol: "RELIANCE", product: .cnc, broker: .paper,
                           quantity: Quantity(quantity), limitPrice: nil, cumulativeQuantity: Quantity(quantity),
                           leavesQuantity: .zero, averagePrice: Price("1400.00")!, brokerRawStatus: "complete",
                           brokerOrderID: "PB\(n)", execSequence: n, order: o, transactTime: 1_000 * Int64(n))
    }

    /// One client's fills arrive in one batch through a FIX session and REST, interleaved: the position stored
    /// last is the one the last fill made (the journal keeps the last position per key).
    @Test func aBatchMixingSessionsAndRESTStoresPositionsInReportOrder() async throws {
        let db = try VegaDatabase.inMemory()
        let store = GRDBFIXMessageStore(writer: db, attachmentWriter: OrderJournal.writer)
        let app = OMSFIXApplication(store: store, journal: { OrderJournalEntry(report: $0, position: $1) })
        let session = try FIXSession(settings: FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA",
                                                                                    targetCompID: "CLIENT1")),
                                     store: store, application: app, dictionary: Files.dictionary,
                                     clock: ManualWallClock(FIXTimestamp(secondsSince1970: 1_788_840_000)), log: RecordingSessionLog())
        app.register([session])
        let fix = OrderSource.fix(session: "CLIENT1")
        await app.send([fix, .rest, fix, .rest, .rest, fix].enumerated().map { .report(Self.fill($0 + 1, 10 * Int64($0 + 1), via: $1)) })
        try await store.flush()
        let stored = try OrderRepository(reader: db).positions()
        #expect(stored.count == 1)
        #expect(stored.first?.netQuantity == 210)   // 10 + 20 + … + 60
        #expect(app.portfolio.positions.values.first?.netQuantity == 210)
        let executions = try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM execution") }
        #expect(executions == 6)
    }

    /// A client's reports and their drop copies are enqueued inside one store group, so that they are durable
    /// together: a crash cannot leave the client with a report its drop copy never gets.
    @Test func aReportAndItsDropCopiesAreStoredInOneGroup() async throws {
        let store = GroupWatchingStore(GRDBFIXMessageStore(writer: try VegaDatabase.inMemory(), attachmentWriter: OrderJournal.writer))
        let app = OMSFIXApplication(store: store, journal: { OrderJournalEntry(report: $0, position: $1) })
        let clock = ManualWallClock(FIXTimestamp(secondsSince1970: 1_788_840_000))
        func session(_ target: String, dropCopy: Bool) throws -> FIXSession {
            var settings = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: target))
            settings.dropCopy = dropCopy
            return try FIXSession(settings: settings, store: store, application: app, dictionary: Files.dictionary,
                                  clock: clock, log: RecordingSessionLog())
        }
        app.register([try session("CLIENT1", dropCopy: false), try session("DROPCOPY", dropCopy: true)])
        await app.send([.report(Self.fill(1, 10, via: .fix(session: "CLIENT1"))), .report(Self.fill(2, 5, via: .rest))])
        try await store.flush()
        let sent = store.log.withLockedValue { $0 }
        // Each report's message (or, from REST, its journal data) and each drop copy: all inside the one group.
        #expect(sent.map(\.target) == ["CLIENT1", nil, "DROPCOPY", "DROPCOPY"], "\(sent)")
        #expect(sent.allSatisfy { $0.group != nil } && Set(sent.map(\.group)).count == 1, "\(sent)")
        #expect(store.open.withLockedValue { $0 }.isEmpty)
    }

    /// A request's MsgSeqNum is stored as processed only once what it caused is with the store: while the
    /// engine has not taken a NewOrderSingle, the stored next inbound number stays at it — even when a later
    /// Heartbeat's number is stored — so that a crash then makes the session ask for it again (ResendRequest)
    /// instead of having lost the order. A resent copy (PossDupFlag=Y) of an order taken meanwhile gets its
    /// status, not a duplicate rejection.
    @Test func aRequestsNumberIsStoredOnlyOnceTheEngineTookItAndItIsAskedForAgainAfterACrash() async throws {
        let db = try VegaDatabase.inMemory()
        let store = GRDBFIXMessageStore(writer: db, attachmentWriter: OrderJournal.writer)
        let app = OMSFIXApplication(store: store, journal: { OrderJournalEntry(report: $0, position: $1) })
        let id = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "CLIENT1")
        let clock = ManualWallClock(FIXTimestamp(secondsSince1970: 1_788_840_000))
        func session() throws -> FIXSession {
            try FIXSession(settings: FIXSessionSettings(id: id), store: store, application: app, dictionary: Files.dictionary,
                           clock: clock, log: RecordingSessionLog())
        }
        func send(_ s: FIXSession, _ c: RecordingConnection, _ text: String) async {
            await s.received(.message(FIXTestMessage.raw(text, now: clock.now())), from: c)
        }
        func storedTarget() async throws -> Int {
            try await store.flush()
            return try await db.read { try Int.fetchOne($0, sql: "SELECT nextTargetMsgSeqNum FROM fixSession") } ?? 0
        }
        let first = try session()
        app.register([first])
        let c = RecordingConnection()
        #expect(await first.attach(c))
        await send(first, c, "8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|")
        await send(first, c, "8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=N-1|21=1|38=5|40=1|54=1|55=NOSUCH|60=<TIME>|")
        await send(first, c, "8=FIX.4.4|35=0|34=3|49=CLIENT1|52=<TIME>|56=VEGA|")
        #expect(try await storedTarget() == 2)   // the engine has not run: the order is not taken yet

        // A crash now: the next start finds 2 and asks for the order again.
        let afterCrash = try session()
        let c2 = RecordingConnection()
        #expect(await afterCrash.attach(c2))
        await send(afterCrash, c2, "8=FIX.4.4|35=A|34=4|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|")
        let resend = c2.sent.first { $0.msgType == "2" }
        #expect(resend?.int(7) == 2, "\(c2.sent.map(\.msgType))")

        // Without a crash: the engine takes the order (an unknown symbol: rejected at once) and the number is stored.
        let engine = OrderEngine(pipeline: OrderPipeline(resolver: NoInstruments(), session: try MarketSessionEngine(),
                                                         eligibility: NoProducts()),
                                 brokers: [], defaultBroker: .paper, now: { 0 }, sink: app)
        let loop = Task { await app.run(engine: engine) }
        defer { loop.cancel() }
        for _ in 0..<500 where !c.sent.contains(where: { $0.msgType == "8" }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(c.sent.contains { $0.msgType == "8" && $0.string(11) == "N-1" && $0.string(39) == "8" })
        for _ in 0..<500 where try await storedTarget() != 4 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await storedTarget() == 4)

        // The order sent again as a possible duplicate: its status (150=I), not a duplicate rejection.
        await send(first, c, "8=FIX.4.4|35=D|34=4|43=Y|49=CLIENT1|52=<TIME>|56=VEGA|122=<TIME>|11=N-1|21=1|38=5|40=1|54=1|55=NOSUCH|60=<TIME>|")
        for _ in 0..<500 where !c.sent.contains(where: { $0.string(150) == "I" }) { try await Task.sleep(for: .milliseconds(10)) }
        let status = c.sent.last { $0.msgType == "8" }
        #expect(status?.string(150) == "I" && status?.string(11) == "N-1" && status?.int(103) == nil)
    }

    struct NoInstruments: SymbolResolver {
        func resolve(_ lookup: InstrumentLookup) -> Result<Instrument, SymbolRejection> { .failure(.unknownSymbol(lookup: lookup)) }
    }
    struct NoProducts: ProductEligibility {
        func check(client: ClientID, instrument: InstrumentKey, product: Product) -> Result<ProductTerms, ProductDenial> {
            .success(ProductTerms(product: product))
        }
        func eligibleProducts(client: ClientID, instrument: InstrumentKey) -> ProductSet { .all }
    }

    /// Once the report loop has stopped (shutdown), a wait for durability fails: reports delivered now are
    /// never stored, so nobody (the engine placing at a broker, a REST answer) may act as if they were.
    @Test func aDurabilityWaitAfterTheReportLoopStoppedFails() async throws {
        let app = OMSFIXApplication(store: InMemoryFIXMessageStore(), journal: { OrderJournalEntry(report: $0, position: $1) })
        let engine = OrderEngine(pipeline: OrderPipeline(resolver: NoInstruments(), session: try MarketSessionEngine(),
                                                         eligibility: NoProducts()),
                                 brokers: [], defaultBroker: .paper, now: { 0 }, sink: app)
        let loop = Task { await app.run(engine: engine) }
        try await app.reportsDurable()   // running: answered
        loop.cancel()
        await loop.value
        await #expect(throws: ReportLoopStopped.self) { try await app.reportsDurable() }
    }
}

/// A store that notes, for each enqueue of a message or journal data, which group was open.
final class GroupWatchingStore: FIXMessageStore, @unchecked Sendable {
    let base: GRDBFIXMessageStore
    let open = NIOLockedValueBox<Set<Int>>([])
    let log = NIOLockedValueBox<[(target: String?, group: Int?)]>([])
    init(_ base: GRDBFIXMessageStore) { self.base = base }

    private func note(_ id: FIXSessionID?, _ ops: [FIXStoreOperation], _ attachments: Int) {
        let stores = attachments > 0 || ops.contains { if case .storeSent = $0 { return true } else { return false } }
        guard stores else { return }
        let group = open.withLockedValue { $0.min() }
        log.withLockedValue { $0.append((id?.targetCompID, group)) }
    }
    func open(_ id: FIXSessionID, now: FIXTimestamp) throws -> FIXStoreSnapshot { try base.open(id, now: now) }
    func enqueue(_ id: FIXSessionID, _ operations: [FIXStoreOperation]) -> FIXStoreTicket {
        note(id, operations, 0)
        return base.enqueue(id, operations)
    }
    func enqueue(_ id: FIXSessionID?, _ operations: [FIXStoreOperation], attachments: [any FIXStoreAttachment]) -> FIXStoreTicket {
        note(id, operations, attachments.count)
        return base.enqueue(id, operations, attachments: attachments)
    }
    func waitDurable(_ ticket: FIXStoreTicket) async throws { try await base.waitDurable(ticket) }
    var durableTicket: FIXStoreTicket { base.durableTicket }
    func sentMessages(_ id: FIXSessionID, from: Int, to: Int) throws -> [(seqNum: Int, bytes: [UInt8])] {
        try base.sentMessages(id, from: from, to: to)
    }
    func addDurableObserver(_ observer: @escaping @Sendable (Bool) -> Void) -> Int { base.addDurableObserver(observer) }
    func removeDurableObserver(_ token: Int) { base.removeDurableObserver(token) }
    func beginGroup() -> FIXStoreGroup {
        let g = base.beginGroup()
        open.withLockedValue { _ = $0.insert(g.id) }
        return g
    }
    func endGroup(_ group: FIXStoreGroup) {
        open.withLockedValue { _ = $0.remove(group.id) }
        base.endGroup(group)
    }
    func flush() async throws { try await base.flush() }
}
