import FIXProtocol

/// What the application says about an application message handed to it.
public enum FIXApplicationResult: Sendable, Equatable {
    /// Processed (replies, if any, are in the context's outbox).
    case accepted
    /// Taken, to be processed elsewhere (an order engine): its MsgSeqNum is stored as processed only once the
    /// application calls `FIXSession.processed(through:)` with the context's `inbound` token — after it has
    /// handed the store everything the message caused. A crash in between leaves the stored number before the
    /// message, so that the session asks for it again (ResendRequest) instead of having lost it.
    case handedOn
    /// Answered with BusinessMessageReject 380=3 "Unsupported Message Type".
    case unsupportedMessageType
    /// Answered with a session Reject (35=3).
    case reject(FIXValidationError)
    /// Answered with BusinessMessageReject: reason, optional RefTagID-like field, optional Text and BusinessRejectRefID.
    case businessReject(FIXBusinessRejectReason, text: String?, refID: String?)
}

/// An inbound application message as its session counts it: its MsgSeqNum, and the session's count of sequence
/// resets when it came (a confirmation from before a reset must not confirm the new numbers).
public struct FIXInboundToken: Sendable, Hashable {
    public let generation: Int
    public let sequence: Int

    public init(generation: Int, sequence: Int) {
        self.generation = generation
        self.sequence = sequence
    }
}

/// Replies the application sends while handling a message: sent right after it, in order.
public struct FIXSessionContext: Sendable {
    public let sessionID: FIXSessionID
    /// The message being handled, for `FIXApplicationResult.handedOn`.
    public let inbound: FIXInboundToken
    public var outbox: [FIXOutboundMessage] = []

    public init(sessionID: FIXSessionID, inbound: FIXInboundToken = FIXInboundToken(generation: 0, sequence: 0)) {
        self.sessionID = sessionID
        self.inbound = inbound
    }

    public mutating func send(_ message: FIXOutboundMessage) { outbox.append(message) }
}

/// The application behind the session layer (QuickFIX's Application): it sees typed application
/// messages only after the session has checked them, and it must not block.
public protocol FIXApplication: Sendable {
    func onCreate(_ session: FIXSession)
    func onLogon(_ session: FIXSession)
    func onLogout(_ session: FIXSession)
    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult
    /// The counterparty refused one of our messages at session level (Reject, 35=3; RefSeqNum 45 names it). The
    /// session has handled it; an application that waits for an answer to that message learns it gets none.
    func onSessionReject(_ message: FIXMessage)
}

extension FIXApplication {
    public func onSessionReject(_ message: FIXMessage) {}
    public func onCreate(_ session: FIXSession) {}
    public func onLogon(_ session: FIXSession) {}
    public func onLogout(_ session: FIXSession) {}
}

/// Where a session's bytes go: one TCP connection.
public protocol FIXConnection: AnyObject, Sendable {
    /// The peer's address, for AllowedRemoteAddresses and logs.
    var remoteAddress: String? { get }
    /// Writes the bytes once the store has made everything up to `ticket` durable. Order is kept.
    func send(_ bytes: [UInt8], durableAfter ticket: FIXStoreTicket)
    /// Closes the connection after the bytes already queued are written.
    func close()
}
