import BrokerKit
import Foundation
import OMSCore
import Testing

/// The shared scenario suite (TC-B01…TC-B10), run against each adapter and its fake broker.
@Suite(.timeLimit(.minutes(2)))
struct BrokerAdapterTests {
    @Test("TC-B01 place → acknowledged → partly filled → filled", arguments: BrokerKind.allCases)
    func placeAcknowledgedPartlyFilledFilled(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            let placement = try await h.adapter.place(order("O-101"))
            let id = try #require(placement.brokerOrderIDs.first)
            #expect(placement.brokerOrderIDs.count == 1)
            #expect(await h.book.order(id) != nil)

            await h.book.open(id)
            let acked = try await h.events("O-101", count: 1)
            guard case .acknowledged(_, let brokerID, let exchangeID, let raw) = acked[0] else {
                Issue.record("first event is \(acked[0])")
                return
            }
            #expect(brokerID == id)
            #expect(exchangeID?.isEmpty == false)
            #expect(raw == kind.vocabulary.open)  // the broker's raw status passes through (5007)

            await h.book.fill(id, quantity: 40, price: 1402.5)
            await h.book.fill(id, quantity: 60, price: 1402.0)
            let events = try await h.events("O-101", count: 3)
            let fills = events.compactMap(\.fill)
            #expect(fills.map(\.quantity) == [Quantity(40), Quantity(60)])
            #expect(fills.map(\.price) == [Price("1402.5")!, Price("1402")!])
            #expect(fills.map(\.tradeID) == ["T1", "T2"])  // the broker's trade ids, from its trade book or stream

            let state = try #require(try await h.adapter.orderState(tag: "O-101"))
            #expect(state.filledQuantity == Quantity(100))
            #expect(state.rawStatus == kind.vocabulary.complete)
            #expect(!state.isOpen)
            #expect(state.averagePrice == Price("1402.2")!)

            let sent = try #require(await h.placementRequests().first)
            if kind != .fyers { #expect(h.fake.algoID(sent) == "ALGO-5005") }  // SEBI algo id (5005)
            #expect(await h.book.violations == [])
        }
    }

    @Test("TC-B02 cancel", arguments: BrokerKind.allCases)
    func cancel(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            let id = try #require(try await h.adapter.place(order("O-102")).brokerOrderIDs.first)
            await h.book.open(id)
            _ = try await h.events("O-102", count: 1)
            try await h.adapter.cancel(tag: "O-102")
            let events = try await h.events("O-102", count: 2)
            #expect(events[1] == .canceled(tag: "O-102", rawStatus: kind.vocabulary.cancelled))
            #expect(await h.book.order(id)?.status == kind.vocabulary.cancelled)
            #expect(await h.book.violations == [])
        }
    }

    @Test("TC-B03 modify", arguments: BrokerKind.allCases)
    func modify(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            let id = try #require(try await h.adapter.place(order("O-103")).brokerOrderIDs.first)
            await h.book.open(id)
            _ = try await h.events("O-103", count: 1)
            try await h.adapter.modify(tag: "O-103", quantity: Quantity(150), limitPrice: Price("1401.5"), triggerPrice: nil)
            let events = try await h.events("O-103", count: 2)
            guard case .replaced(_, let quantity, let price, _, _) = events[1] else {
                Issue.record("expected a replace, got \(events[1])")
                return
            }
            #expect(quantity == Quantity(150))
            #expect(price == Price("1401.5"))
            #expect(await h.book.order(id)?.quantity == 150)
            #expect(await h.book.seen(kind.modifyMethod, "").count == 1)
            #expect(await h.book.violations == [])
        }
    }

    @Test("TC-B04 broker rejection: an RMS reject on the order, and a refused placement", arguments: BrokerKind.allCases)
    func brokerRejection(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            let text = "You need to add Rs. 138385.27 in your account to place this trade."
            let id = try #require(try await h.adapter.place(order("O-104")).brokerOrderIDs.first)
            await h.book.reject(id, message: text)
            let events = try await h.events("O-104", count: 1)
            #expect(events == [.rejected(tag: "O-104", text: text, errorCode: nil, rawStatus: kind.vocabulary.rejected)])

            await h.book.script(.refuse)
            await #expect(throws: BrokerError.self) { try await h.adapter.place(order("O-105")) }
            do {
                _ = try await h.adapter.place(order("O-106", quantity: 5))
            } catch {
                Issue.record("the refusal is for one placement only: \(error)")
            }
            await h.book.script(.refuse)
            do throws(BrokerError) {
                _ = try await h.adapter.place(order("O-107"))
                Issue.record("refused placement returned")
            } catch {
                guard case .refused(let code, let message) = error else {
                    Issue.record("expected refused, got \(error)")
                    return
                }
                #expect(code == kind.refusalCode)  // the broker's error code passes through (5009)
                #expect(!message.isEmpty)
            }
            #expect(await h.adapter.health() == .healthy)
        }
    }

    @Test("TC-B05 token expired → tokenExpired, broker unhealthy, no more orders sent", arguments: BrokerKind.allCases)
    func tokenExpired(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            await h.book.expireToken()
            await #expect(throws: BrokerError.tokenExpired) { try await h.adapter.place(order("O-108")) }
            #expect(await !h.adapter.health().isHealthy)
            await #expect(throws: BrokerError.tokenExpired) { try await h.adapter.place(order("O-109")) }
            #expect(await h.placementRequests().count == 1)  // the second one failed fast, unsent
            #expect(await h.book.placements == 0)

            await h.adapter.updateAccessToken(TestCredentials.accessToken)
            #expect(await h.adapter.health() == .healthy)
            for line in h.logs.all {
                #expect(!line.contains(TestCredentials.accessToken))
                #expect(!line.contains(TestCredentials.apiSecret))
            }
        }
    }

    @Test("TC-B06 HTTP 429 then success: one order, sent again after a backoff", arguments: BrokerKind.allCases)
    func rateLimitedThenSuccess(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            await h.book.script(.rateLimit)
            let placement = try await h.adapter.place(order("O-110"))
            #expect(placement.brokerOrderIDs.count == 1)
            #expect(await h.placementRequests().count == 2)
            #expect(await h.book.placements == 1)
            #expect(await h.adapter.health() == .healthy)
        }
    }

    @Test("TC-B07 timeout after placement → found by its tag, never sent twice", arguments: BrokerKind.allCases)
    func timeoutAfterPlacementResolvedByLookup(kind: BrokerKind) async throws {
        try await Harness.run(kind, settings: { $0.requestTimeout = .seconds(1) }) { h in
            await h.book.script(.delay(.seconds(4)))
            let placement = try await h.adapter.place(order("O-111"))
            let booked = await h.book.allOrders.map(\.id)
            #expect(placement.brokerOrderIDs == booked)
            #expect(await h.placementRequests().count == 1)
            #expect(await h.book.placements == 1)
            #expect(await !h.book.seen("GET", kind.lookupPath).isEmpty)

            // The order goes on normally under its tag.
            await h.book.open(booked[0])
            let events = try await h.events("O-111", count: 1)
            if case .acknowledged = events[0] {} else { Issue.record("expected an ack, got \(events[0])") }
        }
    }

    @Test("TC-B08 stream disconnect and resubscribe without losing a fill", arguments: BrokerKind.allCases)
    func streamDisconnectResubscribeKeepsFill(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            let id = try #require(try await h.adapter.place(order("O-112")).brokerOrderIDs.first)
            await h.book.open(id)
            _ = try await h.events("O-112", count: 1)

            await h.book.dropStreams(hold: true)
            try await h.until("the adapter saw the stream drop") { await h.book.liveStreams == 0 }
            await h.book.fill(id, quantity: 100, price: 1402.5)  // while nobody listens
            await h.book.releaseStreams()

            let events = try await h.events("O-112", count: 2)
            #expect(events[1].fill?.quantity == Quantity(100))
            #expect(events[1].fill?.price == Price("1402.5"))
            #expect(await h.adapter.streamConnections >= 2)
            #expect(await h.book.streamConnections >= 2)
        }
    }

    @Test("TC-B09 reconciliation finds a missing fill", arguments: BrokerKind.allCases)
    func reconciliationFindsMissingFill(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            let id = try #require(try await h.adapter.place(order("O-113")).brokerOrderIDs.first)
            await h.book.open(id)
            _ = try await h.events("O-113", count: 1)
            let trade = try #require(await h.book.fill(id, quantity: 40, price: 1402.5, push: false))  // a lost message

            let vega = [VegaOrderView(tag: "O-113", quantity: Quantity(100), status: .new, fills: [])]
            let differences = try await Reconciler().reconcile(orders: vega, positions: [], with: h.adapter)
            let missing = differences.compactMap { d -> BrokerTrade? in
                if case .missingFill(let tag, let t) = d, tag == "O-113" { return t }
                return nil
            }
            #expect(missing.map(\.tradeID) == [trade.id])
            #expect(missing.first?.quantity == Quantity(40))
            #expect(missing.first?.price == Price("1402.5"))
            #expect(differences.contains(.quantityMismatch(tag: "O-113", vegaFilled: .zero, brokerFilled: Quantity(40))))
            #expect(differences.contains(.statusMismatch(tag: "O-113", vega: .new, broker: .partiallyFilled,
                                                         rawStatus: kind.vocabulary.open)))
            #expect(differences.contains(.positionMismatch(instrument: reliance.key, product: .mis, vega: .zero,
                                                           broker: Quantity(40))))
            #expect(await h.book.violations == [])
        }
    }

    @Test("TC-B10 holdings: the documented request, normalised to fixed point", arguments: BrokerKind.allCases)
    func holdings(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            let rows = FakeHolding.rows
            let expected = [
                BrokerHolding(instrumentKey: kind.holdingKey(rows[0]), isin: "INE002A01018", tradingSymbol: "RELIANCE",
                              exchange: "NSE", quantity: Quantity(10), t1Quantity: Quantity(5),
                              averagePrice: Price("1350.25")!, lastPrice: Price("1402.5")!, pnl: Price("522.5")!),
                BrokerHolding(instrumentKey: kind.holdingKey(rows[1]), isin: "INE062A01020", tradingSymbol: "SBIN",
                              exchange: "NSE", quantity: Quantity(20), t1Quantity: Quantity(0),
                              averagePrice: Price("820.4")!, lastPrice: Price("805.15")!, pnl: Price("-305")!),
            ]
            #expect(try await h.adapter.holdings() == expected)
            let sent = await h.book.seen("GET", kind.holdingsPath)
            #expect(sent.count == 1)
            #expect(sent.first?.body == "")
            #expect(await h.book.violations == [])  // the fake checked the auth headers

            // Once the adapter knows the instrument (it placed an order in it), holdings carry Vega's key.
            _ = try await h.adapter.place(order("O-120", product: .cnc))
            let again = try await h.adapter.holdings()
            #expect(again.first?.instrumentKey == reliance.key)
            #expect(again.last?.instrumentKey == kind.holdingKey(rows[1]))
            #expect(await h.book.violations == [])
        }
    }

    @Test("TC-B11 token expired on holdings → tokenExpired, broker unhealthy", arguments: BrokerKind.allCases)
    func holdingsTokenExpired(kind: BrokerKind) async throws {
        try await Harness.run(kind) { h in
            await h.book.expireToken()
            await #expect(throws: BrokerError.tokenExpired) { try await h.adapter.holdings() }
            #expect(await h.book.seen("GET", kind.holdingsPath).count == 1)
            #expect(await !h.adapter.health().isHealthy)
            await h.adapter.updateAccessToken(TestCredentials.accessToken)
            #expect(await h.adapter.health() == .healthy)
        }
    }
}
