/// `POST /api/brokers/{id}/reconcile`: Vega's orders, trades and positions compared with the broker's books.
public struct ReconciliationReportDTO: Codable, Sendable, Equatable {
    public var runId: Int64
    public var broker: String
    /// Epoch milliseconds (exchange clock).
    public var at: Int64
    /// Vega's orders at the broker that were compared (today's).
    public var vegaOrders: Int
    public var differences: [Difference]

    public struct Difference: Codable, Sendable, Equatable {
        /// `MISSING_FILL`, `STATUS_MISMATCH`, `QUANTITY_MISMATCH`, `MISSING_AT_BROKER`, `UNKNOWN_BROKER_ORDER`,
        /// `POSITION_MISMATCH`.
        public var kind: String
        public var orderId: String?
        public var brokerOrderId: String?
        public var instrumentKey: String?
        public var product: String?
        public var vega: String?
        public var broker: String?
        public var detail: String

        public init(kind: String, orderId: String?, brokerOrderId: String?, instrumentKey: String?, product: String?,
                    vega: String?, broker: String?, detail: String) {
            self.kind = kind
            self.orderId = orderId
            self.brokerOrderId = brokerOrderId
            self.instrumentKey = instrumentKey
            self.product = product
            self.vega = vega
            self.broker = broker
            self.detail = detail
        }
    }

    public init(runId: Int64, broker: String, at: Int64, vegaOrders: Int, differences: [Difference]) {
        self.runId = runId
        self.broker = broker
        self.at = at
        self.vegaOrders = vegaOrders
        self.differences = differences
    }

    public var isClean: Bool { differences.isEmpty }
}
