import FIXProtocol
import FIXSession
import Logging
import NIOConcurrencyHelpers
import OMSCore

/// The application behind the venue session: reads ExecutionReports (35=8), OrderCancelRejects (35=9) and
/// BusinessMessageRejects (35=j), updates the order book, publishes events and wakes the requests waiting for
/// an answer. It runs inside the session actor and never blocks (one short lock).
final class FIXVenueApplication: FIXApplication {
    /// The first answer to a NewOrderSingle.
    enum PlacementAnswer: Sendable {
        case answered(venueOrderID: String?)
        case refused(code: String?, text: String)
        case connectionLost
        case timedOut
    }

    /// The answer to an OrderStatusRequest.
    enum StatusAnswer: Sendable {
        case answered(FIXVenueOrderBook.StatusAnswer)
        case unsupported(String)
        case connectionLost
        case timedOut
    }

    struct State: Sendable {
        var book: FIXVenueOrderBook
        var placements: [String: VenueAnswer<PlacementAnswer>] = [:]
        var statuses: [String: [VenueAnswer<StatusAnswer>]] = [:]
        /// Our requests by the MsgSeqNum they went out with (the latest 10,000): a session Reject (35=3) names the
        /// message it refuses by RefSeqNum only.
        var sent: [Int: SentRequest] = [:]
    }

    struct SentRequest: Sendable {
        var msgType: String
        var tag: String
        var clOrdID: String
    }

    /// Notes a request sent with MsgSeqNum `seq`, for a refusal that names it by number.
    func sent(_ seq: Int?, msgType: String, tag: String, clOrdID: String) {
        guard let seq else { return }
        state.withLockedValue { s in
            s.sent[seq] = SentRequest(msgType: msgType, tag: tag, clOrdID: clOrdID)
            if s.sent.count > 10_000 { s.sent = s.sent.filter { $0.key > seq - 5_000 } }
        }
    }

    /// 35=3: the venue's session refused one of our messages (a field its dictionary does not take, say). A
    /// placement is refused, a cancel or replace refused, a status request unsupported — before, each waited for
    /// an answer that never came (the cancel or replace for ever).
    func onSessionReject(_ message: FIXMessage) {
        guard let seq = message.int(FIXTag.refSeqNum),
              let request = state.withLockedValue({ $0.sent[seq] }) else { return }
        let text = "Rejected by the venue's session: " + (message.nonEmpty(FIXTag.text) ?? "Reject")
            + (message.nonEmpty(FIXTag.sessionRejectReason).map { " (SessionRejectReason \($0))" } ?? "")
        refused(request, code: message.nonEmpty(FIXTag.sessionRejectReason).map { "373=\($0)" }, text: text,
                unknownOrder: false)
    }

    /// Ends the wait (or the pending request) for `request`, refused with `text`.
    private func refused(_ request: SentRequest, code: String?, text: String, unknownOrder: Bool) {
        switch request.msgType {
        case "D":
            let placement = state.withLockedValue { $0.placements.removeValue(forKey: request.tag) }
            placement?.fulfill(.refused(code: code, text: text))
        case "F", "G":
            finish(state.withLockedValue { $0.book.refuse(request: request.clOrdID, text: text) }, placementAnswer: nil)
        case "H":
            let statuses = state.withLockedValue { $0.statuses.removeValue(forKey: request.tag) ?? [] }
            for w in statuses { w.fulfill(unknownOrder ? .answered(.unknownOrder) : .unsupported(text)) }
        default:
            break
        }
    }

    let state: NIOLockedValueBox<State>
    let continuation: AsyncStream<BrokerOrderEvent>.Continuation
    let logger: Logger
    /// Called at each Logon (the adapter asks the venue about its open orders then).
    let loggedOn = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)

    init(runID: String, continuation: AsyncStream<BrokerOrderEvent>.Continuation, logger: Logger) {
        state = NIOLockedValueBox(State(book: FIXVenueOrderBook(runID: runID)))
        self.continuation = continuation
        self.logger = logger
    }

    func onLogon(_ session: FIXSession) {
        logger.info("FIX venue session logged on", metadata: ["session": "\(session.id)"])
        state.withLockedValue { s in
            s.book.loggedOn()
            s.sent.removeAll()   // numbers of the last connection (ResetOnLogon starts them again)
        }
        loggedOn.withLockedValue { $0 }?()
    }

    /// Requests still waiting when the connection drops will get no answer on it: their outcome is unknown.
    func onLogout(_ session: FIXSession) {
        logger.warning("FIX venue session logged out", metadata: ["session": "\(session.id)"])
        let (placements, statuses) = state.withLockedValue { s in
            defer {
                s.placements.removeAll()
                s.statuses.removeAll()
            }
            return (Array(s.placements.values), s.statuses.values.flatMap { $0 })
        }
        for p in placements { p.fulfill(.connectionLost) }
        for s in statuses { s.fulfill(.connectionLost) }
    }

    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        switch message.msgType {
        case "8":
            guard let r = VenueExecutionReport(message) else { return .reject(FIXValidationError(.requiredTagMissing)) }
            let outcome = state.withLockedValue { $0.book.apply(r) }
            finish(outcome, placementAnswer: r.execType == "I" ? nil : .answered(venueOrderID: r.orderID))
            if outcome.tag == nil { logger.notice("ExecutionReport for an unknown ClOrdID", metadata: ["clOrdID": "\(r.clOrdID)"]) }
        case "9":
            guard let r = VenueCancelReject(message) else { return .reject(FIXValidationError(.requiredTagMissing)) }
            finish(state.withLockedValue { $0.book.apply(r) }, placementAnswer: nil)
        case "j":
            guard let r = VenueBusinessReject(message) else { return .accepted }
            businessReject(r)
        default:
            return .unsupportedMessageType
        }
        return .accepted
    }

    /// Publishes the events and hands the answer to whoever waits for it.
    private func finish(_ outcome: FIXVenueOrderBook.Outcome, placementAnswer: PlacementAnswer?) {
        guard let tag = outcome.tag else { return }
        let (placement, statuses) = state.withLockedValue { s in
            let p = placementAnswer == nil ? nil : s.placements.removeValue(forKey: tag)
            let st = outcome.status == nil ? [] : (s.statuses.removeValue(forKey: tag) ?? [])
            return (p, st)
        }
        for e in outcome.events { continuation.yield(e) }
        if let placement, let placementAnswer { placement.fulfill(placementAnswer) }
        if let answer = outcome.status { for w in statuses { w.fulfill(.answered(answer)) } }
    }

    /// 35=j: the venue could not process a request of ours (BusinessRejectRefID = its ClOrdID).
    private func businessReject(_ r: VenueBusinessReject) {
        let text = r.text ?? "Business message reject" + (r.reason.map { " (BusinessRejectReason \($0))" } ?? "")
        let code = r.reason.map { "380=\($0)" }
        logger.notice("BusinessMessageReject", metadata: ["refMsgType": "\(r.refMsgType ?? "?")", "refID": "\(r.refID ?? "?")",
                                                          "text": "\(text)"])
        // The request it names: by BusinessRejectRefID (our ClOrdID) and RefMsgType, else by RefSeqNum (QuickFIX
        // names an unsupported message type by number only).
        let request = state.withLockedValue { s -> SentRequest? in
            if let id = r.refID, let tag = s.book.owner(of: id), let type = r.refMsgType {
                return SentRequest(msgType: type, tag: tag, clOrdID: id)
            }
            return r.refSeqNum.flatMap { s.sent[$0] }
        }
        guard let request else { return }
        refused(request, code: code, text: text, unknownOrder: r.reason == "1")
    }

    // MARK: Waiting for answers

    func expectPlacement(_ tag: String) -> VenueAnswer<PlacementAnswer> {
        let answer = VenueAnswer<PlacementAnswer>()
        state.withLockedValue { $0.placements[tag] = answer }
        return answer
    }

    func expectStatus(_ tag: String) -> VenueAnswer<StatusAnswer> {
        let answer = VenueAnswer<StatusAnswer>()
        state.withLockedValue { $0.statuses[tag, default: []].append(answer) }
        return answer
    }

    func stopWaiting(placement tag: String) {
        _ = state.withLockedValue { $0.placements.removeValue(forKey: tag) }
    }

    func stopWaiting(status answer: VenueAnswer<StatusAnswer>, tag: String) {
        state.withLockedValue { s in
            s.statuses[tag]?.removeAll { $0 === answer }
            if s.statuses[tag]?.isEmpty == true { s.statuses[tag] = nil }
        }
    }
}
