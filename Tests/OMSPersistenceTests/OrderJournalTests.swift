import FIXProtocol
import FIXSession
import Foundation
import GRDB
@testable import OMSCore
import OMSPersistence
import Testing

/// Orders, events, executions and positions written by the FIX store's group commit, and read back.
struct OrderJournalTests {
    static let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                     name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                                     lotSize: 1, tickSize: Price(paise: 10))
    static let session = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "CLIENT1")

    static func order(_ lifecycle: OrderLifecycle, clOrdID: String = "C-1", pending: String? = nil) -> OrderSnapshot {
        let request = OrderRequest(source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID("C-1"), client: ClientID("AB1234"),
                                   lookup: InstrumentLookup(symbol: "RELIANCE", exchange: "NSE"), side: .buy, orderType: .limit,
                                   quantity: Quantity(10), limitPrice: Price("1400.00"), product: .cnc, algoID: "ALGO7")
        return OrderSnapshot(id: OrderID("O-7"), sequence: 7, source: .fix(session: "CLIENT1"), clientOrderID: ClientOrderID(clOrdID),
                             pendingClientOrderID: pending.map(ClientOrderID.init), request: request, instrument: reliance,
                             product: .cnc, broker: .paper, lifecycle: lifecycle, brokerOrderID: "PB1", rawStatus: "open")
    }

    static func report(_ o: OrderSnapshot, _ kind: OrderReport.Kind, exec: Int) -> OrderReport {
        OrderReport(destination: o.source, kind: kind, orderID: o.id, clientOrderID: o.clientOrderID, origClientOrderID: nil,
                    execID: "E-\(exec)", status: o.status, side: .buy, symbol: "RELIANCE", product: .cnc,
                    broker: .paper, quantity: o.lifecycle.terms.quantity, limitPrice: o.lifecycle.terms.limitPrice,
                    cumulativeQuantity: o.lifecycle.fills.cumulative, leavesQuantity: o.lifecycle.leavesQuantity,
                    averagePrice: o.lifecycle.fills.averagePrice, brokerRawStatus: "open", brokerOrderID: "PB1",
                    execSequence: exec, order: o, transactTime: 1_000 * Int64(exec))
    }

    func database() throws -> (DatabaseQueue, GRDBFIXMessageStore) {
        let db = try VegaDatabase.inMemory()
        return (db, GRDBFIXMessageStore(writer: db, attachmentWriter: OrderJournal.writer))
    }

    @Test func aReportAndItsFIXMessageCommitInOneTransactionAndReadBack() async throws {
        let (db, store) = try database()
        _ = try store.open(Self.session, now: FIXTimestamp(nanoseconds: 0))
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        let working = PendingNewOrder(terms: terms).accepted()
        guard case .partiallyFilled(let filled) = working.fill(Quantity(4), at: Price("1399.50")!) else { Issue.record("fill"); return }
        var o = Self.order(.working(filled))
        o.protectionPrice = Price("1415.00")   // stored, so that an order placed again after a restart has it
        var position = PortfolioBook()
        let p = position.apply(client: ClientID("AB1234"), broker: .paper, instrument: Self.reliance, product: .cnc, side: .buy,
                               quantity: Quantity(4), price: Price("1399.50")!, tradingDay: 20_000)
        let r = Self.report(o, .fill(quantity: Quantity(4), price: Price("1399.50")!, tradeID: "PAPER:T1"), exec: 3)
        let ticket = store.enqueue(Self.session, [.storeSent(seqNum: 5, bytes: Array("8=FIX.4.4|35=8|".utf8)), .setNextSender(6)],
                                   attachments: [OrderJournalEntry(report: r, position: p)])
        try await store.waitDurable(ticket)
        let counts = try await db.read { db in
            try ["clientOrder", "orderEvent", "execution", "position", "fixMessage"].map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)")! }
        }
        #expect(counts == [1, 1, 1, 1, 1])
        let repo = OrderRepository(reader: db)
        let state = try repo.bookState(recentSince: 0) { $0 == Self.reliance.key ? Self.reliance : nil }
        var stored = o
        stored.createdAt = 3000   // the first report's time (exchange clock, epoch ms)
        #expect(state.orders == [stored])   // every field comes back, lifecycle included
        #expect(state.nextOrderSequence == 8 && state.nextExecSequence == 4)
        #expect(state.usedClientOrderIDs.map { "\($0.0)/\($0.1)" } == ["fix:CLIENT1/C-1"])
        #expect(try repo.positions() == [p])
        let events = try repo.events(OrderID("O-7"))
        #expect(events.map(\.kind) == ["fill"] && events.first?.lastQuantity == 4 && events.first?.text == "PAPER:T1")
    }

    @Test func aPendingReplaceAndARejectionAreStoredAsTheyAre() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        let pending = PendingNewOrder(terms: terms).accepted().requestReplace(OrderTerms(quantity: Quantity(12), limitPrice: Price("1401.00")))!
        let replacing = Self.order(.pendingReplace(pending), pending: "C-2")
        var rejected = Self.order(.closed(PendingNewOrder(terms: terms).rejected()))
        rejected.id = OrderID("O-8")
        rejected.sequence = 8
        rejected.clientOrderID = ClientOrderID("C-9")
        rejected.rejectCode = "MAX_ORDER_VALUE"
        rejected.rejectText = "MAX_ORDER_VALUE: limit=1000000 value=1400000"
        let t = store.enqueue(nil, [], attachments: [
            OrderJournalEntry(report: Self.report(replacing, .pendingReplace, exec: 1)),
            OrderJournalEntry(report: Self.report(rejected, .rejected(.unknownAccount("X")), exec: 2)),
        ])
        try await store.waitDurable(t)
        let repo = OrderRepository(reader: db)
        let back = try repo.bookState(recentSince: Int64.max) { _ in Self.reliance }
        // Only the open order is loaded when nothing is recent, with its ClOrdIDs (the one pending too); when
        // the rejection is recent, its ClOrdID is a used one as well.
        var open = replacing
        open.createdAt = 1000
        #expect(back.orders == [open])
        #expect(Set(back.usedClientOrderIDs.map(\.1.rawValue)) == ["C-1", "C-2"])
        let today = try repo.bookState(recentSince: 0) { _ in Self.reliance }
        #expect(Set(today.usedClientOrderIDs.map(\.1.rawValue)) == ["C-1", "C-2", "C-9"])
        let stored = try repo.order(OrderID("O-8")) { _ in Self.reliance }
        #expect(stored?.status == .rejected && stored?.rejectCode == "MAX_ORDER_VALUE" && stored?.rejectText == rejected.rejectText)
    }

    /// A stored order whose row no longer reads (a state this version does not know, text in a number column) is
    /// named, not dropped in silence — an open one apart, since it may be live at its broker; the others come back.
    @Test func anUnreadableOrderRowIsNamedAtRestore() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        let a = Self.order(.working(PendingNewOrder(terms: terms).accepted()))
        try await store.waitDurable(store.enqueue(nil, [], attachments: [OrderJournalEntry(report: Self.report(a, .new, exec: 1))]))
        try await db.write { try $0.execute(sql: "UPDATE clientOrder SET state = 'parked'") }
        var state = try OrderRepository(reader: db).bookState(recentSince: 0) { _ in Self.reliance }
        #expect(state.orders.isEmpty)
        #expect(state.unreadableOpen == ["O-7"] && state.unreadable.isEmpty)
        try await db.write { try $0.execute(sql: "UPDATE clientOrder SET state = 'closed', status = '4', cumQty = 'abc'") }
        state = try OrderRepository(reader: db).bookState(recentSince: 0) { _ in Self.reliance }
        #expect(state.orders.isEmpty)
        #expect(state.unreadable == ["O-7"] && state.unreadableOpen.isEmpty)
    }

    @Test func severalChangesOfOneOrderInOneCommitLeaveItsLastState() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        let a = Self.order(.pendingNew(PendingNewOrder(terms: terms)))
        let b = Self.order(.working(PendingNewOrder(terms: terms).accepted()))
        let t = store.enqueue(nil, [], attachments: [OrderJournalEntry(report: Self.report(a, .pendingNew, exec: 1)),
                                                      OrderJournalEntry(report: Self.report(b, .new, exec: 2))])
        try await store.waitDurable(t)
        let rows = try await db.read { db in try Row.fetchAll(db, sql: "SELECT status, state FROM clientOrder") }
        #expect(rows.map { "\($0[0] as String)/\($0[1] as String)" } == ["0/working"])
        #expect(try OrderRepository(reader: db).events(OrderID("O-7")).map(\.status) == ["A", "0"])
    }

    /// The second commit of an order takes the UPDATE path (state columns only): read back, the order is
    /// the snapshot of its last report, every field.
    @Test func anOrderStoredEarlierIsUpdatedInItsStateColumnsOnly() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        var a = Self.order(.pendingNew(PendingNewOrder(terms: terms)))
        a.protectionPrice = Price("1410.00")
        try await store.waitDurable(store.enqueue(nil, [], attachments: [OrderJournalEntry(report: Self.report(a, .pendingNew, exec: 1))]))
        guard case .partiallyFilled(let filled) = PendingNewOrder(terms: terms).accepted().fill(Quantity(4), at: Price("1399.50")!) else {
            Issue.record("fill"); return
        }
        var b = Self.order(.working(filled), pending: "C-2")
        b.rawStatus = "partially filled"
        b.rejectText = "kept"
        b.protectionPrice = Price("1412.00")   // an after-market order released at the open is priced again
        let fill = Self.report(b, .fill(quantity: Quantity(4), price: Price("1399.50")!, tradeID: "T9"), exec: 2)
        try await store.waitDurable(store.enqueue(nil, [], attachments: [OrderJournalEntry(report: fill)]))
        let state = try OrderRepository(reader: db).bookState(recentSince: 0) { $0 == Self.reliance.key ? Self.reliance : nil }
        b.createdAt = 1000   // from the order's first row: an update of the state columns leaves it
        #expect(state.orders == [b])
        #expect(try await db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM clientOrder") } == 1)
    }

    /// Migrations v6, v7 and v8 rebuild the order and message tables (WITHOUT ROWID, messages in blocks) and add
    /// a column: rows written under v5 survive them.
    @Test func compactingTheTablesKeepsTheirRows() async throws {
        let db = try DatabaseQueue()
        try VegaDatabase.migrator.migrate(db, upTo: "v5-reconciliation")
        let store = GRDBFIXMessageStore(writer: db, attachmentWriter: OrderJournal.writer)
        _ = try store.open(Self.session, now: FIXTimestamp(nanoseconds: 0))
        let o = Self.order(.working(PendingNewOrder(terms: OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))).accepted()))
        var book = PortfolioBook()
        let p = book.apply(client: ClientID("AB1234"), broker: .paper, instrument: Self.reliance, product: .cnc, side: .buy,
                           quantity: Quantity(4), price: Price("1399.50")!, tradingDay: 20_000)
        let r = Self.report(o, .fill(quantity: Quantity(4), price: Price("1399.50")!, tradeID: "T1"), exec: 3)
        // The rows as v5 held them: written by today's journal into a current database, copied column by column
        // into v5's tables (today's journal writes columns v5 did not have).
        let (current, currentStore) = try database()
        try await currentStore.waitDurable(currentStore.enqueue(nil, [], attachments: [OrderJournalEntry(report: r, position: p)]))
        for table in ["clientOrder", "orderEvent", "execution", "position"] {
            let columns = try await db.read { db in try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String } }
            let list = columns.joined(separator: ", ")
            let rows = try await current.read { db in
                try Row.fetchAll(db, sql: "SELECT \(list) FROM \(table)").map { row in columns.map { row[$0] as DatabaseValue } }
            }
            #expect(!rows.isEmpty, "\(table)")
            try await db.write { db in
                for row in rows {
                    try db.execute(sql: "INSERT INTO \(table) (\(list)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                                   arguments: StatementArguments(row))
                }
            }
        }
        try await db.write { db in   // a message as v1's table held it: one row
            try db.execute(sql: "INSERT INTO fixMessage (fixSessionID, msgSeqNum, message) VALUES (?, 5, ?)",
                           arguments: [Self.session.description, Data("8=FIX.4.4|35=8|".utf8)])
        }
        try VegaDatabase.migrator.migrate(db)
        let withoutRowID = try await db.read { db in
            try ["fixMessage", "clientOrder", "execution", "position"].map {
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [$0])?.contains("WITHOUT ROWID") == true
            }
        }
        #expect(withoutRowID == [true, true, true, true])
        let state = try OrderRepository(reader: db).bookState(recentSince: 0) { $0 == Self.reliance.key ? Self.reliance : nil }
        var stored = o
        stored.createdAt = 3000
        #expect(state.orders == [stored])
        #expect(try OrderRepository(reader: db).positions() == [p])
        #expect(try store.sentMessages(Self.session, from: 1, to: 10).map(\.seqNum) == [5])
        #expect(try await db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM execution") } == 1)
    }

    /// The order list (`GET /api/orders`, the dashboard, `trader-cli orders`): newest first, by client, open only,
    /// at most `limit`; a row this version cannot read is named, not dropped in silence.
    @Test func theLatestOrdersAreListedNewestFirstWithTheirFilters() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        guard case .filled(let closed) = PendingNewOrder(terms: terms).accepted().fill(Quantity(10), at: Price("1400.00")!) else {
            Issue.record("fill"); return
        }
        var entries: [OrderJournalEntry] = []
        for (n, lifecycle, client) in [(1, OrderLifecycle.closed(closed), "AB1234"), (2, .working(PendingNewOrder(terms: terms).accepted()), "AB1234"),
                                       (3, .pendingNew(PendingNewOrder(terms: terms)), "ZZ9"), (4, .working(PendingNewOrder(terms: terms).accepted()), "AB1234")] {
            var o = Self.order(lifecycle, clOrdID: "C-\(n)")
            o.id = OrderID("O-\(n)")
            o.sequence = n
            o.request.client = ClientID(client)
            entries.append(OrderJournalEntry(report: Self.report(o, .new, exec: n)))
        }
        try await store.waitDurable(store.enqueue(nil, [], attachments: entries))
        try await db.write { try $0.execute(sql: "UPDATE clientOrder SET side = 'sideways' WHERE id = 'O-4'") }
        let repo = OrderRepository(reader: db)
        func ids(_ client: String?, open: Bool, limit: Int, below: Int = 5, maxScan: Int = 20_000) async throws -> String {
            let page = try await repo.recentOrders(client: client.map(ClientID.init), openOnly: open, limit: limit, below: below,
                                                   maxScan: maxScan) { _ in Self.reliance }
            return page.orders.map(\.id.rawValue).joined(separator: ",") + " ?" + page.unreadable.joined(separator: ",")
                + " <\(page.older.map(String.init) ?? "-")"
        }
        #expect(try await ids(nil, open: false, limit: 50) == "O-3,O-2,O-1 ?O-4 <-")
        // A full page names where the next one starts; that one goes on from there.
        #expect(try await ids(nil, open: false, limit: 2) == "O-3,O-2 ?O-4 <2")
        #expect(try await ids(nil, open: false, limit: 2, below: 2) == "O-1 ? <-")
        #expect(try await ids("AB1234", open: false, limit: 50) == "O-2,O-1 ?O-4 <-")
        #expect(try await ids("AB1234", open: true, limit: 50) == "O-2 ?O-4 <-")
        #expect(try await ids("ZZ9", open: true, limit: 50) == "O-3 ? <-")
        #expect(try await ids("NOBODY", open: false, limit: 50) == " ? <-")
        // One call looks through at most `maxScan` numbers: a short page then says where to go on.
        #expect(try await ids("AB1234", open: false, limit: 50, maxScan: 2) == " ?O-4 <3")
        #expect(try await ids("AB1234", open: false, limit: 50, below: 3, maxScan: 2) == "O-2,O-1 ? <-")
        // Numbers never given (below a gap, or past the newest) cost nothing and show nothing.
        #expect(try await ids(nil, open: false, limit: 50, below: 1_000) == "O-3,O-2,O-1 ?O-4 <-")
    }

    /// At start only the orders that are open or changed recently are read, with every ClOrdID they used
    /// (replaced ones too); a closed order of an earlier day and its ClOrdIDs are not.
    @Test func aStartReadsTheClOrdIDsOfRecentAndOpenOrdersOnly() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        func entry(_ o: OrderSnapshot, _ kind: OrderReport.Kind, exec: Int, at: Int64) -> OrderJournalEntry {
            var r = Self.report(o, kind, exec: exec)
            r.transactTime = at
            return OrderJournalEntry(report: r)
        }
        func order(_ id: Int, _ lifecycle: OrderLifecycle, clOrdID: String) -> OrderSnapshot {
            var o = Self.order(lifecycle, clOrdID: clOrdID)
            o.id = OrderID("O-\(id)")
            o.sequence = id
            return o
        }
        let day: Int64 = 86_400_000
        // O-1: yesterday, filled (closed). O-2: today, replaced (OLD-2 → NEW-2), working. O-3: two days ago, working.
        let filled = PendingNewOrder(terms: terms).accepted().fill(Quantity(10), at: Price("1400.00")!)
        guard case .filled(let closed) = filled else { Issue.record("fill"); return }
        let entries = [
            entry(order(1, .closed(closed), clOrdID: "OLD-1"), .fill(quantity: Quantity(10), price: Price("1400.00")!, tradeID: "T"),
                  exec: 1, at: 10 * day - day),
            entry(order(2, .working(PendingNewOrder(terms: terms).accepted()), clOrdID: "OLD-2"), .new, exec: 2, at: 10 * day),
            entry(order(2, .working(PendingNewOrder(terms: terms).accepted()), clOrdID: "NEW-2"), .replaced, exec: 3, at: 10 * day),
            entry(order(3, .working(PendingNewOrder(terms: terms).accepted()), clOrdID: "OPEN-3"), .new, exec: 4, at: 8 * day),
        ]
        try await store.waitDurable(store.enqueue(nil, [], attachments: entries))
        let state = try OrderRepository(reader: db).bookState(recentSince: 10 * day - day / 2) { _ in Self.reliance }
        #expect(state.orders.map(\.id.rawValue) == ["O-2", "O-3"])
        #expect(Set(state.usedClientOrderIDs.map(\.1.rawValue)) == ["OLD-2", "NEW-2", "OPEN-3"])
        #expect(state.nextOrderSequence == 4 && state.nextExecSequence == 5)
    }

    /// A start reads the open orders and only the latest `closedLimit` closed ones; the ClOrdIDs of all the day's
    /// orders come back with the order each belongs to, so that one not read can be found in storage.
    @Test func aStartReadsOnlyTheLatestClosedOrdersButEveryClOrdIDWithItsOrder() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        guard case .filled(let closed) = PendingNewOrder(terms: terms).accepted().fill(Quantity(10), at: Price("1400.00")!) else {
            Issue.record("fill"); return
        }
        var entries: [OrderJournalEntry] = []
        for n in 1...4 {
            var o = Self.order(n == 2 ? .working(PendingNewOrder(terms: terms).accepted()) : .closed(closed), clOrdID: "K-\(n)")
            o.id = OrderID("O-\(n)")
            o.sequence = n
            entries.append(OrderJournalEntry(report: Self.report(o, n == 2 ? .new : .fill(quantity: Quantity(10),
                price: Price("1400.00")!, tradeID: "T\(n)"), exec: n)))
        }
        try await store.waitDurable(store.enqueue(nil, [], attachments: entries))
        let state = try OrderRepository(reader: db).bookState(recentSince: 0, closedLimit: 1) { _ in Self.reliance }
        #expect(state.orders.map(\.id.rawValue) == ["O-2", "O-4"])   // the open one and the latest closed one
        #expect(Set(state.usedClientOrderIDs.map { "\($0.1.rawValue)=\($0.2?.rawValue ?? "?")" }) == ["K-1=O-1", "K-2=O-2", "K-3=O-3", "K-4=O-4"])
        let all = try OrderRepository(reader: db).bookState(recentSince: 0) { _ in Self.reliance }
        #expect(all.orders.map(\.id.rawValue) == ["O-1", "O-2", "O-3", "O-4"])
    }

    /// What reconciliation compares with a broker's books: each of the broker's orders with its own fills, in
    /// order (read in one pass over the executions), and nothing of another broker's.
    @Test func reconciliationReadsEachOrderWithItsOwnFills() async throws {
        let (db, store) = try database()
        let terms = OrderTerms(quantity: Quantity(10), limitPrice: Price("1400.00"))
        let working = PendingNewOrder(terms: terms).accepted()
        guard case .partiallyFilled(let part) = working.fill(Quantity(4), at: Price("1399.00")!),
              case .filled(let full) = part.fill(Quantity(6), at: Price("1400.00")!),
              case .filled(let other) = working.fill(Quantity(10), at: Price("1398.00")!) else { Issue.record("fills"); return }
        func order(_ n: Int, _ lifecycle: OrderLifecycle, broker: BrokerID = .paper) -> OrderSnapshot {
            var o = Self.order(lifecycle, clOrdID: "R-\(n)")
            o.id = OrderID("O-\(n)")
            o.sequence = n
            o.broker = broker
            if n == 2 { o.protectionPrice = Price("1428.00") }
            return o
        }
        func fill(_ o: OrderSnapshot, _ q: Int64, _ px: String, _ trade: String, exec: Int) -> OrderJournalEntry {
            OrderJournalEntry(report: Self.report(o, .fill(quantity: Quantity(q), price: Price(px)!, tradeID: trade), exec: exec))
        }
        let zerodha = BrokerID("ZERODHA")
        try await store.waitDurable(store.enqueue(nil, [], attachments: [
            fill(order(1, .working(part)), 4, "1399.00", "PAPER:T1", exec: 1),
            OrderJournalEntry(report: Self.report(order(2, .working(working)), .new, exec: 2)),
            fill(order(3, .closed(other), broker: zerodha), 10, "1398.00", "ZERODHA:Z9", exec: 3),
            fill(order(1, .closed(full)), 6, "1400.00", "PAPER:T2", exec: 4),
        ]))
        let recon = ReconciliationStore(writer: db)
        let paper = try await recon.orders(broker: .paper, since: 0)
        #expect(paper.map(\.orderID.rawValue) == ["O-1", "O-2"])
        #expect(paper[0].fills.map { "\($0.tradeID) \($0.quantity) @ \($0.price)" } == ["T1 4 @ 1399", "T2 6 @ 1400"])
        #expect(paper[0].status == .filled && paper[1].fills.isEmpty)
        let z = try await recon.orders(broker: zerodha, since: 0)
        #expect(z.map(\.orderID.rawValue) == ["O-3"] && z[0].fills.map(\.tradeID) == ["Z9"])
        // What the paper broker's book held of each (for its restore after a restart): terms, ids, status.
        #expect(paper[0].instrumentKey == Self.reliance.key && paper[0].side == .buy && paper[0].product == .cnc)
        #expect(paper[0].orderType == .limit && paper[0].timeInForce == .day && paper[0].limitPrice == Price("1400.00"))
        #expect(paper[0].brokerOrderID == "PB1" && paper[0].rawStatus == "open" && paper[0].algoID == "ALGO7")
        // A market order's protection comes back with it (a restored order filled beyond it).
        #expect(paper[1].protectionPrice == Price("1428.00") && paper[0].protectionPrice == nil)
        // Orders made before `since` are not read (an order's createdAt is its first commit's time: 4 s for
        // O-1, whose first commit also held its fill at 4 s).
        #expect(try await recon.orders(broker: .paper, since: 5_000).isEmpty)
    }

    /// A stored block whose index no longer describes its body (cut short, or lengths that do not add up) is an
    /// error when read — a resend then logs it and gap-fills — instead of silently leaving out the messages the
    /// index does not reach.
    @Test(arguments: ["substr(blockIndex, 1, length(blockIndex) - 4)", "substr(blockIndex, 1, length(blockIndex) - 8)",
                      "zeroblob(length(blockIndex))"])
    func aCorruptMessageBlockIsAnErrorNotASilentGap(_ corruption: String) async throws {
        let (db, store) = try database()
        _ = try store.open(Self.session, now: FIXTimestamp(nanoseconds: 0))
        let messages = (5...7).map { FIXStoreOperation.storeSent(seqNum: $0, bytes: Array("8=FIX.4.4|35=8|n=\($0)|".utf8)) }
        try await store.waitDurable(store.enqueue(Self.session, messages + [.setNextSender(8)]))
        #expect(try store.sentMessages(Self.session, from: 1, to: 10).map(\.seqNum) == [5, 6, 7])
        // A second block (another commit) stays readable: the error carries its messages.
        let later = (8...9).map { FIXStoreOperation.storeSent(seqNum: $0, bytes: Array("8=FIX.4.4|35=8|n=\($0)|".utf8)) }
        try await store.waitDurable(store.enqueue(Self.session, later + [.setNextSender(10)]))
        try await db.write { try $0.execute(sql: "UPDATE fixMessage SET blockIndex = \(corruption) WHERE msgSeqNum = 5") }
        do {
            _ = try store.sentMessages(Self.session, from: 1, to: 10)
            Issue.record("a damaged block was read without an error")
        } catch let e as FIXStoredMessagesPartlyUnreadable {
            #expect(e.readable.map(\.seqNum) == [8, 9])
            #expect(e.description.contains("stored message block from MsgSeqNum 5 is corrupt"))
        }
    }
}
