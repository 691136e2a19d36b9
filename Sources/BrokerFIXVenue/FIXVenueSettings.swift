import FIXSession
import OMSCore

/// Settings of a downstream FIX 4.4 venue or broker gateway that Vega reaches through its own FIX initiator.
public struct FIXVenueSettings: Sendable {
    /// The broker id the MBAL routes by (`5002 BrokerRoute`, routing table), e.g. `FIXVENUE`.
    public var brokerID: BrokerID
    /// The initiator session: host, port, CompIDs, HeartBtInt, ResetOnLogon, ReconnectInterval, data dictionary.
    public var session: FIXSessionSettings
    /// What the venue accepts; the MBAL checks it before routing.
    public var capabilities: BrokerCapabilities
    /// Account (1) on every order, when the venue wants one (the client's UCC at the broker).
    public var account: String?
    /// How long `place` waits for the venue's first answer to a NewOrderSingle before `outcomeUnknown`.
    public var answerTimeout: Duration = .seconds(10)
    /// How long `orderState(tag:)` waits for the answer to an OrderStatusRequest (35=H).
    public var statusTimeout: Duration = .seconds(5)
    /// Send Vega's user-defined tags (5001 ProductType, 5003 AfterMarketOrder, 5005 AlgoID); turn off for a venue
    /// whose dictionary does not declare them.
    public var sendVegaTags = true
    /// Send SecurityID (48/22: ISIN or exchange token), SecurityExchange (207) and SecurityType (167) besides Symbol.
    public var sendInstrumentIDs = true

    /// Default capabilities: every order type, DAY and IOC, every product, no AMO, 10 orders per second (SEBI).
    public static let defaultCapabilities = BrokerCapabilities(
        orderTypes: [.market, .limit, .stop, .stopLimit], validities: [.day, .ioc], products: Set(Product.allCases),
        supportsAfterMarketOrders: false, maxOrdersPerSecond: 10)

    public init(brokerID: BrokerID, session: FIXSessionSettings,
                capabilities: BrokerCapabilities = FIXVenueSettings.defaultCapabilities) {
        self.brokerID = brokerID
        var s = session
        s.connectionType = .initiator
        self.session = s
        self.capabilities = capabilities
    }

    /// A FIX 4.4 initiator session to `host:port` as `senderCompID` → `targetCompID`.
    public init(brokerID: BrokerID, host: String, port: Int, senderCompID: String, targetCompID: String,
                capabilities: BrokerCapabilities = FIXVenueSettings.defaultCapabilities) {
        var s = FIXSessionSettings(id: FIXSessionID(beginString: "FIX.4.4", senderCompID: senderCompID,
                                                    targetCompID: targetCompID))
        s.socketConnectHost = host
        s.socketConnectPort = port
        self.init(brokerID: brokerID, session: s, capabilities: capabilities)
    }
}
