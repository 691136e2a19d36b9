/// Adapter settings shared by every REST broker (timeouts, pacing, unknown-outcome lookups, stream).
public struct BrokerSettings: Sendable {
    /// Timeout of one REST call; a placement that times out is looked up by its tag, never resent.
    public var requestTimeout: Duration = .seconds(10)
    /// Time allowed to open a connection (a host that does not answer). A refused connection fails at once: the
    /// request never left, so an order can go to the backup broker straight away.
    public var connectTimeout: Duration = .seconds(5)
    /// SEBI: 10 orders per second per API account unless the strategy is exchange-registered.
    public var ordersPerSecond = 10
    /// Other REST calls (books, lookups).
    public var requestsPerSecond = 10
    /// Retries of a call answered with HTTP 429 (the broker did not act on it).
    public var maxRetriesOn429 = 3
    /// First backoff after a 429 without `Retry-After` (doubled on each retry).
    public var backoffBase: Duration = .milliseconds(500)
    /// How often an order whose placement timed out is looked up by its tag before giving up.
    public var lookupAttempts = 3
    public var lookupInterval: Duration = .seconds(1)
    public var streamReconnectDelay: Duration = .seconds(2)
    /// Connect the order-update stream on `start()`.
    public var useStream = true

    public init() {}
}
