/// Splits an order above the exchange freeze quantity into child orders (tag 5012): each child at most the
/// freeze quantity rounded down to a lot multiple, all full-size but the last, summing to the parent.
public enum OrderSlicer {
    public enum Outcome: Hashable, Sendable {
        /// At or below the freeze quantity (or no freeze quantity): one order.
        case whole
        case sliced([Quantity])
        case rejected(RiskRejection)
    }

    public static func slice(_ quantity: Quantity, instrument: Instrument, allowSlicing: Bool, maxSlices: Int)
        -> Outcome
    {
        guard let freeze = instrument.freezeQuantity, freeze > 0, quantity.value > freeze else { return .whole }
        guard allowSlicing else {
            return .rejected(.quantityCap(.freezeQuantity, instrument: instrument.key, limit: freeze,
                                          value: quantity.value))
        }
        let lot = max(instrument.lotSize, 1)
        let child = freeze / lot * lot
        guard child > 0 else {
            return .rejected(.quantityCap(.freezeQuantity, instrument: instrument.key, limit: freeze,
                                          value: quantity.value))
        }
        let count = (quantity.value + child - 1) / child
        guard count <= Int64(maxSlices) else {
            return .rejected(.quantityCap(.maxSlices, instrument: instrument.key, limit: Int64(maxSlices),
                                          value: count))
        }
        var children = [Quantity](repeating: Quantity(child), count: Int(count))
        let remainder = quantity.value - child * (count - 1)
        children[children.count - 1] = Quantity(remainder)
        return .sliced(children)
    }
}
