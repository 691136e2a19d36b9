import OMSCore

/// A change the broker's order-update stream reported.
public enum BrokerStreamUpdate: Sendable, Hashable {
    case order(BrokerOrderRecord)
    case trade(BrokerTrade)
}

/// How to open a broker's order-update WebSocket.
public struct BrokerStreamEndpoint: Sendable {
    public var url: String
    public var headers: [(String, String)]
    /// Text messages sent right after connecting (subscriptions).
    public var subscribe: [String]
    /// A text keep-alive the broker wants (Fyers: `ping` every ~10 s).
    public var keepAlive: (text: String, every: Duration)?

    public init(url: String, headers: [(String, String)] = [], subscribe: [String] = [],
                keepAlive: (text: String, every: Duration)? = nil) {
        self.url = url
        self.headers = headers
        self.subscribe = subscribe
        self.keepAlive = keepAlive
    }
}

/// What an order-entry call needs to know about the order it acts on.
public struct BrokerOrderContext: Sendable {
    public var request: BrokerOrderRequest
    public var brokerOrderID: String

    public init(request: BrokerOrderRequest, brokerOrderID: String) {
        self.request = request
        self.brokerOrderID = brokerOrderID
    }
}

/// One broker's dialect: how to build its requests and read its answers, to the letter of brokers.md.
/// `RESTBroker` does everything else (pacing, retries, token expiry, unknown outcomes, streams, fills).
public protocol BrokerAPI: Sendable {
    var id: BrokerID { get }
    var capabilities: BrokerCapabilities { get }
    /// The settings name prefix of the environment variables (`VEGA_UPSTOX`).
    static var environmentPrefix: String { get }

    /// Adds the broker's authentication (and fixed) headers.
    func authorize(_ request: inout BrokerHTTPRequest, credentials: BrokerCredentials)

    /// The tag as the broker stores it, and back (Fyers wants 1–30 alphanumerics).
    func wireTag(_ tag: String) throws(BrokerError) -> String
    func vegaTag(_ wire: String) -> String?

    /// The instrument as the broker names it (also the key of positions and books).
    func symbol(_ instrument: Instrument) -> String

    func place(_ order: BrokerOrderRequest) throws(BrokerError) -> BrokerHTTPRequest
    /// The broker order ids of a successful placement (several when the broker sliced it).
    func placedOrderIDs(_ body: JSONValue) throws(BrokerError) -> [String]
    func modify(_ order: BrokerOrderContext, quantity: Quantity, limitPrice: Price?,
                triggerPrice: Price?) throws(BrokerError) -> BrokerHTTPRequest
    func cancel(_ order: BrokerOrderContext) -> BrokerHTTPRequest

    func orderBook() -> BrokerHTTPRequest
    /// The request that finds orders by Vega's tag (an order book when the broker has no tag filter).
    func ordersByTag(_ wireTag: String) -> BrokerHTTPRequest
    func orderRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerOrderRecord]
    /// Trades of one order, or of the day when `brokerOrderID` is nil.
    func trades(brokerOrderID: String?) -> BrokerHTTPRequest
    func tradeRecords(_ body: JSONValue) throws(BrokerError) -> [BrokerTrade]
    func positionsRequest() -> BrokerHTTPRequest
    /// Net positions keyed by the broker's symbol.
    func positionRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, position: BrokerPosition)]
    /// The long-term holdings request (Upstox `/v2/portfolio/long-term-holdings`, Kite `/portfolio/holdings`,
    /// Fyers `/holdings`).
    func holdingsRequest() -> BrokerHTTPRequest
    /// Holdings keyed by the broker's symbol (the form `symbol(_:)` gives).
    func holdingRecords(_ body: JSONValue) throws(BrokerError) -> [(symbol: String, holding: BrokerHolding)]

    /// The failure an HTTP answer means, or nil when it is a success.
    func failure(status: Int, body: JSONValue?) -> BrokerError?

    /// A REST call to make before connecting the stream (Upstox's authorize), if any.
    func streamAuthorization() -> BrokerHTTPRequest?
    func streamEndpoint(authorization: JSONValue?, credentials: BrokerCredentials) throws(BrokerError)
        -> BrokerStreamEndpoint
    func streamUpdates(_ text: String) -> [BrokerStreamUpdate]
}

extension BrokerAPI {
    public func streamAuthorization() -> BrokerHTTPRequest? { nil }
    public func wireTag(_ tag: String) throws(BrokerError) -> String { tag }
    public func vegaTag(_ wire: String) -> String? { wire.isEmpty ? nil : wire }
}
