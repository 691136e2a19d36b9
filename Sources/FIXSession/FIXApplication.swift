import FIXProtocol

/// What the application says about an application message handed to it.
public enum FIXApplicationResult: Sendable, Equatable {
    /// Processed (replies, if any, are in the context's outbox).
    case accepted
    /// Answered with BusinessMessageReject 380=3 "Unsupported Message Type".
    case unsupportedMessageType
    /// Answered with a session Reject (35=3).
    case reject(FIXValidationError)
    /// Answered with BusinessMessageReject: reason, optional RefTagID-like field, optional Text and BusinessRejectRefID.
    case businessReject(FIXBusinessRejectReason, text: String?, refID: String?)
}

/// Replies the application sends while handling a message: sent right after it, in order.
public struct FIXSessionContext: Sendable {
    public let sessionID: FIXSessionID
    public var outbox: [FIXOutboundMessage] = []

    public init(sessionID: FIXSessionID) { self.sessionID = sessionID }

    public mutating func send(_ message: FIXOutboundMessage) { outbox.append(message) }
}

/// The application behind the session layer (QuickFIX's Application): it sees typed application
/// messages only after the session has checked them, and it must not block.
public protocol FIXApplication: Sendable {
    func onCreate(_ session: FIXSession)
    func onLogon(_ session: FIXSession)
    func onLogout(_ session: FIXSession)
    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult
}

extension FIXApplication {
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
