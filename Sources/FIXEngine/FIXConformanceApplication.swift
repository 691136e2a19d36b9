import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers

/// The application the QuickFIX acceptance suite expects behind the session layer:
/// NewOrderSingle echoed (a PossResend order already seen since logon is ignored), SecurityDefinition
/// and Email echoed, anything else answered with BusinessMessageReject "Unsupported Message Type".
public final class FIXConformanceApplication: FIXApplication {
    private let seen = NIOLockedValueBox<[FIXSessionID: Set<String>]>([:])

    public init() {}

    public func onLogout(_ session: FIXSession) {
        seen.withLockedValue { $0[session.id] = nil }
    }

    public func onLogon(_ session: FIXSession) {
        seen.withLockedValue { $0[session.id] = [] }
    }

    public func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        switch message.msgType {
        case "D":
            let clOrdID = message.string(FIXTag.clOrdID) ?? ""
            let possResend = message.bool(FIXTag.possResend)
            let id = context.sessionID
            let duplicate = seen.withLockedValue { s -> Bool in
                if possResend && s[id, default: []].contains(clOrdID) { return true }
                s[id, default: []].insert(clOrdID)
                return false
            }
            if !duplicate { context.send(FIXOutboundMessage(copying: message)) }
            return .accepted
        case "d", "C":
            context.send(FIXOutboundMessage(copying: message))
            return .accepted
        default:
            return .unsupportedMessageType
        }
    }
}
