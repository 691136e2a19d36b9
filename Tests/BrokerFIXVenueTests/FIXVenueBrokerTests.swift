import BrokerFIXVenue
import FIXProtocol
import OMSCore
import Testing

/// The venue adapter against a scripted FIX 4.4 venue (Vega's acceptor) over TCP on 127.0.0.1.
struct FIXVenueBrokerTests {
    @Test("TC-V01 place → acknowledged → partly filled → filled, with the NewOrderSingle the venue saw")
    func placeIsAcknowledgedPartlyFilledAndFilled() async throws {
        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        let placement = try await s.broker.place(order("FILL-1"))
        #expect(placement.brokerOrderIDs == ["V1"])
        let events = try await s.events("FILL-1", count: 3)
        #expect(events.count == 3)
        guard events.count == 3 else { return }
        #expect(events[0] == .acknowledged(tag: "FILL-1", brokerOrderID: "V1", exchangeOrderID: nil, rawStatus: "0"))
        #expect(events[1] == .fill(tag: "FILL-1", tradeID: "X3", quantity: Quantity(40), price: Price("1402.5")!,
                                   rawStatus: "1"))
        #expect(events[2] == .fill(tag: "FILL-1", tradeID: "X4", quantity: Quantity(60), price: Price("1402.5")!,
                                   rawStatus: "2"))

        let d = try #require(s.venue.received("D").first)
        let expected: [Int: String] = [1: "AB1234", 11: "FILL-1", 15: "INR", 21: "1", 22: "4", 38: "100", 40: "2",
                                       44: "1402.50", 48: "INE002A01018", 54: "1", 55: "RELIANCE", 59: "0",
                                       167: "CS", 207: "NSE", 5001: "MIS", 5005: "ALGO-5005"]
        for (tag, value) in expected { #expect(d.string(tag) == value, "tag \(tag)") }
        #expect(d.has(FIXTag.transactTime))

        let state = try #require(try await s.broker.orderState(tag: "FILL-1"))
        #expect(state.rawStatus == "2")
        #expect(state.filledQuantity == Quantity(100))
        #expect(state.averagePrice == Price("1402.5")!)
        #expect(!state.isOpen)
        #expect(try await s.broker.positions() == [BrokerPosition(instrumentKey: reliance.key, product: .mis,
                                                                  netQuantity: Quantity(100), averagePrice: Price("1402.5")!)])
    }

    @Test("TC-V02 cancel: OrderCancelRequest with OrigClOrdID = tag → canceled; a closed order is not sent again")
    func cancelIsSentWithTheTagAsOrigClOrdIDAndReportedCanceled() async throws {
        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        _ = try await s.broker.place(order("REST-1"))
        try await s.broker.cancel(tag: "REST-1")
        let events = try await s.events("REST-1", count: 2)
        #expect(events.last == .canceled(tag: "REST-1", rawStatus: "4"))
        let f = try #require(s.venue.received("F").first)
        #expect(f.string(FIXTag.origClOrdID) == "REST-1")
        #expect(f.string(FIXTag.orderID) == "V1")
        #expect(f.string(FIXTag.clOrdID)?.hasPrefix("REST-1.C") == true)
        await #expect(throws: BrokerError.self) { try await s.broker.cancel(tag: "REST-1") }
        #expect(s.venue.received("F").count == 1)
        await #expect(throws: BrokerError.unknownOrder(tag: "NOPE")) { try await s.broker.cancel(tag: "NOPE") }
    }

    @Test("TC-V02b a cancel the venue refuses (35=9) → cancelRejected with its text and OrdStatus")
    func refusedCancelIsReportedAsCancelRejected() async throws {
        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        _ = try await s.broker.place(order("NOCXL-1"))
        try await s.broker.cancel(tag: "NOCXL-1")
        let events = try await s.events("NOCXL-1", count: 2)
        #expect(events.last == .cancelRejected(tag: "NOCXL-1", text: "Exchange refused the cancel", rawStatus: "0"))
    }

    @Test("TC-V03 modify: replace → replaced; the next request refers to the replace's ClOrdID; a refused replace")
    func modifyIsReplacedAndChainsClOrdIDs() async throws {
        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        _ = try await s.broker.place(order("REST-2"))
        try await s.broker.modify(tag: "REST-2", quantity: Quantity(150), limitPrice: Price("1401")!, triggerPrice: nil)
        var events = try await s.events("REST-2", count: 2)
        #expect(events.last == .replaced(tag: "REST-2", quantity: Quantity(150), limitPrice: Price("1401")!,
                                         rawStatus: "0"))
        let g = try #require(s.venue.received("G").first)
        #expect(g.string(15) == "INR")   // as on the order (it was left out)
        #expect(g.string(FIXTag.origClOrdID) == "REST-2")
        #expect(g.string(FIXTag.orderQty) == "150")
        #expect(g.string(FIXTag.price) == "1401.00")
        let firstReplace = try #require(g.string(FIXTag.clOrdID))

        try await s.broker.modify(tag: "REST-2", quantity: Quantity(20_000), limitPrice: nil, triggerPrice: nil)
        events = try await s.events("REST-2", count: 3)
        #expect(events.last == .replaceRejected(tag: "REST-2", text: "Quantity above the venue's limit", rawStatus: "0"))
        #expect(s.venue.received("G").last?.string(FIXTag.origClOrdID) == firstReplace)

        try await s.broker.cancel(tag: "REST-2")
        events = try await s.events("REST-2", count: 4)
        #expect(events.last == .canceled(tag: "REST-2", rawStatus: "4"))
        #expect(s.venue.received("F").first?.string(FIXTag.origClOrdID) == firstReplace)
    }

    @Test("TC-V04 venue rejection: 150=8 → rejected with 58 and 103; a BusinessMessageReject → refused")
    func venueRejectionsAreReported() async throws {
        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        _ = try await s.broker.place(order("REJ-1"))
        let events = try await s.events("REJ-1", count: 1)
        #expect(events == [.rejected(tag: "REJ-1", text: "Insufficient margin", errorCode: "3", rawStatus: "8")])

        await #expect(throws: BrokerError.refused(code: "380=4", message: "Application not available")) {
            try await s.broker.place(order("BMR-1"))
        }
        #expect(await s.events.of("BMR-1").isEmpty)
    }

    /// A session Reject (35=3) of our order or cancel, named by RefSeqNum only, ends the wait: the order is refused
    /// and the cancel refused at once. Before, the order waited for the answer timeout and ended `outcomeUnknown`, and
    /// the cancel stayed pending for ever.
    @Test("TC-V10 a session Reject of an order or a cancel is its refusal")
    func aSessionRejectIsARefusal() async throws {
        let s = try await VenueScenario.start(answerTimeout: .seconds(30))
        defer { Task { await s.stop() } }
        do {
            _ = try await s.broker.place(order("SREJ-1"))
            Issue.record("a rejected order was placed")
        } catch {
            guard case .refused(let code, let text) = error else { Issue.record("\(error)"); return }
            #expect(code == "373=2" && text.hasPrefix("Rejected by the venue's session"), "\(text)")
        }
        _ = try await s.broker.place(order("SREJOK-1"))
        _ = try await s.events("SREJOK-1", count: 1)
        try await s.broker.cancel(tag: "SREJOK-1")
        let events = try await s.events("SREJOK-1", count: 2)
        guard case .cancelRejected(_, let text, _) = events.last else { Issue.record("\(events)"); return }
        #expect(text.hasPrefix("Rejected by the venue's session"))
    }

    @Test("TC-V05 venue down → unavailable and unhealthy, before logon and after the venue goes away")
    func venueDownIsUnavailable() async throws {
        let dead = try makeBroker(port: 1)
        dead.start()
        await #expect(throws: BrokerError.unavailable("FIX session FIX.4.4:VEGA->VENUE is not logged on")) {
            try await dead.place(order("DOWN-1"))
        }
        #expect(await dead.health() != .healthy)
        await dead.shutdown()

        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        #expect(await s.broker.health() == .healthy)
        await s.harness.stop()
        #expect(try await eventually { !(await s.broker.isLoggedOn) })
        do {
            _ = try await s.broker.place(order("DOWN-2"))
            Issue.record("placed while the venue is down")
        } catch {
            guard case .unavailable = error else { Issue.record("expected unavailable, got \(error)"); return }
        }
        #expect(s.venue.received("D").isEmpty)
    }

    @Test("TC-V06 a swallowed order → outcomeUnknown; OrderStatusRequest finds it; exactly one NewOrderSingle")
    func swallowedOrderIsResolvedByStatusRequestWithoutResending() async throws {
        let s = try await VenueScenario.start(answerTimeout: .seconds(1))
        defer { Task { await s.stop() } }
        await #expect(throws: BrokerError.outcomeUnknown) { try await s.broker.place(order("SWALLOW-1")) }
        let state = try #require(try await s.broker.orderState(tag: "SWALLOW-1"))
        #expect(state.brokerOrderID == "V1")
        #expect(state.rawStatus == "0")
        #expect(state.isOpen)
        #expect(state.filledQuantity == .zero)
        // Placing the same tag again does not send it again either.
        _ = try? await s.broker.place(order("SWALLOW-1"))
        #expect(s.venue.received("D").count == 1)
        let h = try #require(s.venue.received("H").first)
        #expect(h.string(FIXTag.clOrdID) == "SWALLOW-1")
        #expect(h.string(FIXTag.side) == "1")
        #expect(h.string(FIXTag.symbol) == "RELIANCE")
        #expect(h.has(790))
    }

    /// With ResetOnLogon neither side resends after a reconnect: the adapter asks about every open order (35=H) at
    /// Logon, and a fill the venue made while the session was down reaches the engine. Before, it never did.
    @Test("TC-V09 a fill made while the session was down arrives after the reconnect")
    func aFillDuringADisconnectArrivesAfterTheReconnect() async throws {
        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        _ = try await s.broker.place(order("REST-9", quantity: 100))
        _ = try await s.events("REST-9", count: 1)   // acknowledged
        let venueSession = try #require(s.harness.acceptor.sessions.values.first)
        await venueSession.logout(reason: "maintenance")
        #expect(try await eventually { await !s.broker.isLoggedOn })
        s.venue.fillQuietly("REST-9", quantity: 40)
        #expect(try await eventually { await s.broker.isLoggedOn })
        let events = try await s.events("REST-9", count: 2)
        #expect(events.last == .fill(tag: "REST-9", tradeID: "REST-9-CUM-40", quantity: Quantity(40), price: Price("1402.5")!,
                                     rawStatus: "1"), "\(events)")
        #expect(s.venue.received("H").contains { $0.string(790)?.hasPrefix("SW") == true })
    }

    @Test("TC-V07 an order the venue never booked → outcomeUnknown, and the status request says nil")
    func lostOrderIsUnknownToTheVenue() async throws {
        let s = try await VenueScenario.start(answerTimeout: .seconds(1))
        defer { Task { await s.stop() } }
        await #expect(throws: BrokerError.outcomeUnknown) { try await s.broker.place(order("LOST-1")) }
        #expect(try await s.broker.orderState(tag: "LOST-1") == nil)
        #expect(s.venue.received("D").count == 1)
        #expect(s.venue.received("H").count == 1)
    }

    @Test("TC-V08 after a restart: an order placed by the last process is followed again; an unknown ClOrdID is not 'never seen'")
    func anOrderFromBeforeARestartIsFollowedAgain() async throws {
        let s = try await VenueScenario.start()
        defer { Task { await s.stop() } }
        _ = try await s.broker.place(order("R-1"))
        _ = try await s.events("R-1", count: 1)
        _ = try await s.broker.place(order("RESTFILL-1"))
        _ = try await s.events("RESTFILL-1", count: 1)
        // The process stops; a new adapter (the restarted process) logs on to the same venue.
        await s.broker.shutdown()
        let (again, events) = try await VenueScenario.startBroker(port: s.harness.port)
        defer { Task { await again.shutdown(); await events.stop() } }
        let state = try #require(try await again.resume(order("R-1")))
        #expect(state.brokerOrderID == "V1" && state.isOpen)
        try await again.cancel(tag: "R-1")
        #expect(try await eventually { await events.of("R-1").contains(.canceled(tag: "R-1", rawStatus: "4")) })
        // A fill the venue reports while the order is being taken up is in the state returned, not an event too
        // (the engine catches up to the state: both would count it twice).
        await again.shutdown()
        let (third, thirdEvents) = try await VenueScenario.startBroker(port: s.harness.port)
        defer { Task { await third.shutdown(); await thirdEvents.stop() } }
        let taken = try #require(try await third.resume(order("RESTFILL-1")))
        #expect(taken.filledQuantity == Quantity(30) && taken.isOpen)
        try await Task.sleep(for: .milliseconds(200))
        let held = await thirdEvents.of("RESTFILL-1")
        #expect(held.isEmpty, "\(held)")
        // A ClOrdID the venue does not know: unavailable (the order is not placed again), and not kept.
        await #expect(throws: BrokerError.self) { try await third.resume(order("NEVER-1")) }
        #expect(s.venue.received("D").count == 2)   // R-1 and RESTFILL-1, once each
    }
}
