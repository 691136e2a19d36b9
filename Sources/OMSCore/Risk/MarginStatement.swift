/// A client's margin now and its parts (`trader-cli margin CLIENT`): per underlying, the SPAN parts of the
/// side whose requirement is larger ("every working buy fills" or "every working sell fills"), as the engine
/// checks orders against; the totals add the underlyings up; and the funds the cash market uses.
public struct MarginStatement: Hashable, Sendable {
    public struct Underlying: Hashable, Sendable {
        public var key: InstrumentKey
        public var margin: SPANMargin
    }

    public var client: ClientID
    public var underlyings: [Underlying]
    /// Premium of working option buys, blocked until they fill or close.
    public var premiumReserved: Price
    /// The day's premium paid for filled option buys, less what selling long options took back.
    public var premiumPaid: Price
    /// Cash market: the day's delivery buys (CNC whole, MTF its margin), paid from funds.
    public var deliveryPaid: Price
    /// Cash market: funds blocked by working orders (CNC buys whole, MTF buys and MIS orders their margin).
    public var cashOrdersBlocked: Price
    /// Cash market: the product margin of open MIS positions (% of their cost).
    public var intradayMargin: Price
    /// The day's loss, realised and mark-to-market (zero for a day in profit): funds the client no longer has.
    public var dayLoss: Price
    /// Funds available for margin (F&O and cash market); nil when the client has no margin limit (the rule is off).
    public var available: Price?

    public init(client: ClientID, underlyings: [Underlying], premiumReserved: Price, premiumPaid: Price = .zero,
                deliveryPaid: Price = .zero, cashOrdersBlocked: Price = .zero, intradayMargin: Price = .zero,
                dayLoss: Price = .zero, available: Price?) {
        self.client = client
        self.underlyings = underlyings
        self.premiumReserved = premiumReserved
        self.premiumPaid = premiumPaid
        self.deliveryPaid = deliveryPaid
        self.cashOrdersBlocked = cashOrdersBlocked
        self.intradayMargin = intradayMargin
        self.dayLoss = dayLoss
        self.available = available
    }

    private func sum(_ part: (SPANMargin) -> Price) -> Price {
        underlyings.reduce(.zero) { $0 + part($1.margin) }
    }

    public var scanningRisk: Price { sum(\.scanningRisk) }
    public var calendarSpreadCharge: Price { sum(\.calendarSpreadCharge) }
    public var shortOptionMinimum: Price { sum(\.shortOptionMinimum) }
    /// Σ max(scanning risk + calendar spread charge, short option minimum) per underlying.
    public var spanRequirement: Price { sum(\.spanRequirement) }
    public var exposureMargin: Price { sum(\.exposureMargin) }
    /// Net option value credit of long options.
    public var longOptionValue: Price { sum(\.longOptionValue) }
    /// The cash market's funds in use: delivery paid, working orders, open MIS positions.
    public var cashFunds: Price { deliveryPaid + cashOrdersBlocked + intradayMargin }
    /// What the engine blocks: Σ net requirement per underlying + reserved and paid premium + the cash market's
    /// funds + the day's loss (the margin utilised).
    public var utilised: Price { sum(\.netRequirement) + premiumReserved + premiumPaid + cashFunds + dayLoss }
    /// Available − utilised (negative when short of margin); nil without a margin limit.
    public var free: Price? { available.map { $0 - utilised } }
}

extension LimitRiskEngine {
    /// The client's margin statement at `market`; nil for a client without limits, a `missingMarketData`
    /// rejection when a price or volatility SPAN needs is not in the snapshot.
    public func marginStatement(for client: ClientID, market: MarketSnapshot) -> Result<MarginStatement, RiskRejection>? {
        guard let c = clients[client] else { return nil }
        var parts: [MarginStatement.Underlying] = []
        for u in c.groups.keys.sorted() {
            do throws(SPANError) {
                if let m = try spanMargin(c, underlying: u, market: market, extra: nil) {
                    parts.append(.init(key: u, margin: m))
                }
            } catch {
                return .failure(.missingMarketData(.spanMargin, instrument: error.instrument))
            }
        }
        return .success(MarginStatement(client: client, underlyings: parts,
                                        premiumReserved: Price(units: c.premiumReserved),
                                        premiumPaid: Price(units: c.premiumPaid),
                                        deliveryPaid: Price(units: c.deliveryPaid),
                                        cashOrdersBlocked: Price(units: c.fundsReserved),
                                        intradayMargin: Price(units: c.cashFundsInUse - RiskMath.sum(c.deliveryPaid, c.fundsReserved)),
                                        dayLoss: Price(units: Self.dayLoss(c, market: market)),
                                        available: c.limits.availableMargin))
    }
}
