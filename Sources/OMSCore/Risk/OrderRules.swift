/// The stateless per-order rules: quantity shape, prices and ticks, price bands, symbol caps. Each returns
/// the rejection, or nil when the order passes.
enum OrderRules {
    /// Quantity > 0 and a multiple of the lot size (F&O lots, SME lots; cash lot 1 always passes).
    static func quantity(_ order: RiskOrder) -> RiskRejection? {
        let lot = order.instrument.lotSize
        guard order.quantity.value > 0 else { return .badQuantity(.nonPositive, lotSize: lot, value: order.quantity) }
        if lot > 1, order.quantity.value % lot != 0 {
            return .badQuantity(.notLotMultiple, lotSize: lot, value: order.quantity)
        }
        return nil
    }

    /// LIMIT and SL need a limit price, SL and SL-M a trigger price; each must be positive and on a tick.
    /// Prices the order type does not use are ignored.
    static func prices(_ order: RiskOrder) -> RiskRejection? {
        let usesLimit = order.orderType.hasLimitPrice
        let usesTrigger = order.orderType.hasTriggerPrice
        if usesLimit, let r = price(order.limitPrice, field: .limitPrice, order: order) { return r }
        if usesTrigger, let r = price(order.triggerPrice, field: .triggerPrice, order: order) { return r }
        return nil
    }

    static func price(_ price: Price?, field: PriceField, order: RiskOrder) -> RiskRejection? {
        guard let price else { return .unsupported(.missingPrice(field, orderType: order.orderType)) }
        guard price.units > 0 else { return .unsupported(.nonPositivePrice(field, value: price)) }
        let tick = order.instrument.tickSize
        guard price.isMultiple(of: tick) else { return .badTick(field, tick: tick, value: price) }
        return nil
    }

    /// The limit and trigger prices the order type uses must lie in the band (bounds included).
    static func band(_ band: PriceBand, order: RiskOrder) -> RiskRejection? {
        if order.orderType.hasLimitPrice, let p = order.limitPrice, !band.contains(p) {
            return .priceBand(.limitPrice, lower: band.lower, upper: band.upper, value: p)
        }
        if order.orderType.hasTriggerPrice, let p = order.triggerPrice, !band.contains(p) {
            return .priceBand(.triggerPrice, lower: band.lower, upper: band.upper, value: p)
        }
        return nil
    }

    /// Per-order cap, and position cap counting every working order on the order's side as filled. An order
    /// that reduces exposure is not held to the position cap.
    static func symbolCap(_ cap: SymbolCap, order: RiskOrder, book: PositionBook, reduces: Bool) -> RiskRejection? {
        let key = order.instrument.key
        if let max = cap.maxOrderQuantity, order.quantity > max {
            return .quantityCap(.symbolOrderQuantity, instrument: key, limit: max.value, value: order.quantity.value)
        }
        if let max = cap.maxPositionQuantity, !reduces {
            let worst = book.worstPosition(side: order.side, adding: order.quantity.value)
            if worst > max.value {
                return .quantityCap(.symbolPosition, instrument: key, limit: max.value, value: worst)
            }
        }
        return nil
    }
}
