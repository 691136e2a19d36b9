import FIXEngine
import FIXProtocol
import FIXSession
import Logging
import NIOConcurrencyHelpers
import OMSCore
import ServiceLifecycle

/// A downstream FIX 4.4 venue or broker gateway, reached over Vega's own FIX initiator. Orders go out as
/// NewOrderSingle with ClOrdID = Vega's tag; cancels and replaces carry new ClOrdIDs derived from the tag; the
/// venue's ExecutionReports and OrderCancelRejects come back as `BrokerOrderEvent`s with its OrdStatus (39) as the
/// raw status. A placement while the session is not logged on throws `unavailable` (the MBAL fails over); one that
/// gets no answer within `answerTimeout` throws `outcomeUnknown` and is looked up with an OrderStatusRequest
/// (35=H), never sent again.
///
/// Run it as a `Service` (it connects, logs on and reconnects until shutdown), or call `start()`/`shutdown()`.
public final class FIXVenueBroker: BrokerAdapter, BrokerHealthReporting, Service {
    public let id: BrokerID
    public let capabilities: BrokerCapabilities
    public let events: AsyncStream<BrokerOrderEvent>
    /// The initiator session to the venue.
    public let session: FIXSession
    let settings: FIXVenueSettings
    let initiator: FIXInitiator
    let application: FIXVenueApplication
    let messages: FIXVenueMessages
    let clock: WallClock
    let logger: Logger
    let continuation: AsyncStream<BrokerOrderEvent>.Continuation
    private let runTask = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - store: the session's message store (sequence numbers and resend journal); `GRDBFIXMessageStore` to
    ///     survive restarts.
    ///   - dictionary: validates what the venue sends; by default loaded from the session's DataDictionary path.
    ///   - log: the FIX message and event log; by default the session's FileLogPath, else `logger`.
    /// - Throws: when the data dictionary or the store cannot be read.
    public init(settings: FIXVenueSettings, store: FIXMessageStore = InMemoryFIXMessageStore(),
                dictionary: FIXDataDictionary? = nil, log: FIXSessionLog? = nil, clock: WallClock = SystemWallClock(),
                logger: Logger = Logger(label: "vega.broker.fix")) throws {
        var logger = logger
        logger[metadataKey: "broker"] = "\(settings.brokerID)"
        self.id = settings.brokerID
        self.capabilities = settings.capabilities
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.messages = FIXVenueMessages(settings)
        (events, continuation) = AsyncStream.makeStream(of: BrokerOrderEvent.self)
        let runID = String(clock.now().nanoseconds / 1_000_000, radix: 36).uppercased()
        application = FIXVenueApplication(runID: runID, continuation: continuation, logger: logger)
        var dictionary = dictionary
        if dictionary == nil, settings.session.useDataDictionary, let path = settings.session.dataDictionaryPath {
            dictionary = try FIXDataDictionary.load(path: path)
        }
        var sessionLog = log ?? LoggerFIXSessionLog(logger: logger)
        if log == nil, let dir = settings.session.fileLogPath { sessionLog = try FIXFileLog(directory: dir, clock: clock) }
        session = try FIXSession(settings: settings.session, store: store, application: application, dictionary: dictionary,
                                 clock: clock, log: sessionLog)
        initiator = FIXInitiator(session: session, store: store, logger: logger)
        application.loggedOn.withLockedValue { $0 = { [weak self] in Task { await self?.askAboutOpenOrders() } } }
    }

    /// After a Logon: an OrderStatusRequest (35=H) for every open order. With ResetOnLogon the venue resends
    /// nothing sent while the session was down; its answers bring the order's missed fills and end, and refuse
    /// a cancel or replace whose answer was lost (`FIXVenueOrderBook.sweepTargets`). Before, a fill made during a
    /// disconnect never reached the engine, and such a cancel stayed pending for ever.
    func askAboutOpenOrders() async {
        let requests = application.state.withLockedValue { s in
            s.book.sweepTargets().map { o in
                (o.request.tag, o.clOrdID, messages.statusRequest(o.request, clOrdID: o.clOrdID, venueOrderID: o.venueOrderID,
                                                                  requestID: s.book.newSweepRequestID()))
            }
        }
        guard !requests.isEmpty else { return }
        logger.info("asking the venue about open orders after logon", metadata: ["orders": "\(requests.count)"])
        for (tag, clOrdID, m) in requests { _ = await send(m, tag: tag, clOrdID: clOrdID) }
    }

    /// Sends a request of ours, noting its MsgSeqNum (a refusal may name it by number only); nil when not sent.
    private func send(_ message: FIXOutboundMessage, tag: String, clOrdID: String) async -> Int? {
        let seq = await session.send(message)
        application.sent(seq, msgType: message.msgType, tag: tag, clOrdID: clOrdID)
        return seq
    }

    // MARK: Lifecycle

    /// Connects, logs on and reconnects after ReconnectInterval until the task is cancelled or shut down.
    public func run() async throws {
        try await initiator.run()
    }

    /// Runs the session in the background (outside a `ServiceGroup`).
    public func start() {
        runTask.withLockedValue { task in
            guard task == nil else { return }
            let initiator = self.initiator
            task = Task { try? await initiator.run() }
        }
    }

    /// Logs out (waiting up to LogoutTimeout for the venue's Logout), stops reconnecting, ends `events`.
    public func shutdown() async {
        await session.logout(reason: "Vega shutting down")
        let closeBy = ContinuousClock.now + .seconds(settings.session.logoutTimeout + 1)
        while await session.isConnected, ContinuousClock.now < closeBy { try? await Task.sleep(for: .milliseconds(20)) }
        let task = runTask.withLockedValue { t in defer { t = nil }; return t }
        task?.cancel()
        await task?.value
        continuation.finish()
    }

    public var isLoggedOn: Bool { get async { await session.isLoggedOn } }

    public func health() async -> BrokerHealth {
        if await session.isLoggedOn { return .healthy }
        return .unhealthy(reason: "FIX session \(session.id) is not logged on")
    }

    // MARK: BrokerAdapter

    public func place(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerPlacement {
        guard await session.isLoggedOn else {
            throw .unavailable("FIX session \(session.id) is not logged on")
        }
        enum Start { case new(VenueAnswer<FIXVenueApplication.PlacementAnswer>), known(FIXVenueOrderBook.Order) }
        let start = application.state.withLockedValue { s -> Start in
            if let known = s.book.order(order.tag) { return .known(known) }
            s.book.track(order)
            let answer = VenueAnswer<FIXVenueApplication.PlacementAnswer>()
            s.placements[order.tag] = answer
            return .new(answer)
        }
        let answer: VenueAnswer<FIXVenueApplication.PlacementAnswer>
        switch start {
        case .known(let o):
            // Never sent twice: the same tag again is answered from what the venue said, or stays unknown.
            guard o.answered else { throw .outcomeUnknown }
            return BrokerPlacement(brokerOrderIDs: [o.venueOrderID ?? order.tag])
        case .new(let a):
            answer = a
        }
        guard await send(messages.newOrderSingle(order, transactTime: clock.now()), tag: order.tag, clOrdID: order.tag) != nil
        else {
            application.state.withLockedValue { s in
                s.book.forget(order.tag)
                s.placements[order.tag] = nil
            }
            throw .unavailable("FIX session \(session.id) is not logged on")
        }
        switch await answer.wait(timeout: settings.answerTimeout, orElse: .timedOut) {
        case .answered(let venueOrderID):
            let ids = [venueOrderID].compactMap { $0 }.filter { $0 != "NONE" }
            logger.info("order placed", metadata: ["tag": "\(order.tag)", "venueOrderID": "\(ids.first ?? "-")"])
            return BrokerPlacement(brokerOrderIDs: ids.isEmpty ? [order.tag] : ids)
        case .refused(let code, let text):
            application.state.withLockedValue { $0.book.forget(order.tag) }
            throw .refused(code: code, message: text)
        case .connectionLost:
            logger.warning("connection lost before the venue answered the order", metadata: ["tag": "\(order.tag)"])
            throw .outcomeUnknown
        case .timedOut:
            application.stopWaiting(placement: order.tag)
            logger.warning("no answer from the venue to the order", metadata: ["tag": "\(order.tag)"])
            throw .outcomeUnknown
        }
    }

    /// Sends OrderCancelReplaceRequest (35=G); the venue's answer arrives as `replaced` or `replaceRejected`.
    public func modify(tag: String, quantity: Quantity, limitPrice: Price?, triggerPrice: Price?) async throws(BrokerError) {
        let now = clock.now()
        try await request(tag, .replace(quantity: quantity, limitPrice: limitPrice, triggerPrice: triggerPrice)) {
            (o, clOrdID) in
            messages.replace(o.request, clOrdID: clOrdID, origClOrdID: o.clOrdID, venueOrderID: o.venueOrderID,
                             quantity: quantity, limitPrice: limitPrice, triggerPrice: triggerPrice, transactTime: now)
        }
    }

    /// Sends OrderCancelRequest (35=F); the venue's answer arrives as `canceled` or `cancelRejected`.
    public func cancel(tag: String) async throws(BrokerError) {
        let now = clock.now()
        try await request(tag, .cancel) { (o, clOrdID) in
            messages.cancel(o.request, clOrdID: clOrdID, origClOrdID: o.clOrdID, venueOrderID: o.venueOrderID,
                            transactTime: now)
        }
    }

    private func request(_ tag: String, _ kind: FIXVenueOrderBook.PendingKind,
                         _ build: (FIXVenueOrderBook.Order, String) -> FIXOutboundMessage) async throws(BrokerError) {
        guard let o = application.state.withLockedValue({ $0.book.order(tag) }) else { throw .unknownOrder(tag: tag) }
        guard !o.isTerminal else {
            throw .refused(code: nil, message: "order \(tag) is closed at the venue (OrdStatus \(o.ordStatus))")
        }
        guard await session.isLoggedOn else { throw .unavailable("FIX session \(session.id) is not logged on") }
        let clOrdID = application.state.withLockedValue { $0.book.newRequest(tag, kind) }
        guard await send(build(o, clOrdID), tag: tag, clOrdID: clOrdID) != nil else {
            application.state.withLockedValue { $0.book.dropRequest(clOrdID) }
            throw .unavailable("FIX session \(session.id) is not logged on")
        }
    }

    /// An order this process did not place (after a restart): tracked under its tag — the ClOrdID it was placed
    /// with — so that the venue's reports for it are taken again and it can be cancelled and changed, then asked
    /// for (35=H). A venue that does not know that ClOrdID has not necessarily never seen the order (it may have
    /// been replaced before the restart, under a ClOrdID this process cannot know): `unavailable`, never nil, so
    /// that the order is not placed a second time. Before, every order from before a restart was `unavailable`
    /// here and its reports were ignored.
    public func resume(_ order: BrokerOrderRequest) async throws(BrokerError) -> BrokerOrderState? {
        // Reports that come in while it is asked for update the order without publishing events (the state
        // returned covers them: published too, a fill would count twice).
        let fresh = application.state.withLockedValue { s -> Bool in
            guard s.book.order(order.tag) == nil else { return false }
            s.book.takeUp(order)
            return true
        }
        let state: BrokerOrderState?
        do {
            state = try await orderState(tag: order.tag)
        } catch {
            if fresh { application.state.withLockedValue { $0.book.forget(order.tag) } }
            throw error
        }
        guard fresh else { return state }
        guard state != nil else {
            application.state.withLockedValue { $0.book.forget(order.tag) }
            throw .unavailable("the venue does not know ClOrdID \(order.tag); it may hold the order under a later one")
        }
        // The latest: the answer, and any report held back after it.
        return application.state.withLockedValue { $0.book.endTakeUp(order.tag) } ?? state
    }

    /// Asks the venue (OrderStatusRequest, 35=H); when it cannot answer (not logged on, no answer within
    /// `statusTimeout`, status requests unsupported) falls back to what the venue reported so far.
    /// - Throws: `unavailable` when neither the venue nor the adapter knows more; `unknownOrder` is never thrown
    ///   (nil means the venue says it has no such order).
    public func orderState(tag: String) async throws(BrokerError) -> BrokerOrderState? {
        let tracked = application.state.withLockedValue { s -> (FIXVenueOrderBook.Order, String)? in
            guard let o = s.book.order(tag) else { return nil }
            return (o, s.book.newStatusRequestID())
        }
        guard let tracked else {
            // Without the order's side and instrument no valid 35=H can be built (orders from before a restart).
            throw .unavailable("order \(tag) was not placed through this adapter since it started")
        }
        let (o, requestID) = tracked
        let known = { () -> BrokerOrderState? in
            self.application.state.withLockedValue { s in s.book.order(tag).flatMap { $0.answered ? s.book.state($0) : nil } }
        }
        var why = "FIX session \(session.id) is not logged on"
        if await session.isLoggedOn {
            let answer = application.expectStatus(tag)
            let message = messages.statusRequest(o.request, clOrdID: o.clOrdID, venueOrderID: o.venueOrderID,
                                                 requestID: requestID)
            if await send(message, tag: tag, clOrdID: o.clOrdID) != nil {
                let result = await answer.wait(timeout: settings.statusTimeout, orElse: .timedOut)
                application.stopWaiting(status: answer, tag: tag)
                switch result {
                case .answered(.known(let state)): return state
                case .answered(.unknownOrder): return nil
                case .unsupported(let text): why = "the venue refused the status request: \(text)"
                case .connectionLost: why = "connection lost before the venue answered the status request"
                case .timedOut: why = "no answer to the status request"
                }
            }
        }
        if let state = known() { return state }
        throw .unavailable(why)
    }

    /// Net positions from the fills seen since the adapter started (plain FIX gateways answer no positions query).
    public func positions() async throws(BrokerError) -> [BrokerPosition] {
        application.state.withLockedValue { $0.book.positions() }
    }
}
