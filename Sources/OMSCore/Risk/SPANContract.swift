/// A derivative contract as SPAN needs it.
public struct SPANContract: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case future
        case option(OptionType, strike: Price)
    }

    public var key: InstrumentKey
    /// The underlying (index or stock) whose price the options are valued on; scanning groups by it.
    public var underlying: InstrumentKey
    public var kind: Kind
    /// Days since 1970-01-01 IST.
    public var expiryDay: Int32

    public init(key: InstrumentKey, underlying: InstrumentKey, kind: Kind, expiryDay: Int32) {
        self.key = key
        self.underlying = underlying
        self.kind = kind
        self.expiryDay = expiryDay
    }

    /// Nil for anything that is not a future or option with an expiry (and a strike, for options).
    public init?(_ instrument: Instrument) {
        guard instrument.isDerivative, let expiry = instrument.expiryDay else { return nil }
        if let type = instrument.optionType {
            guard let strike = instrument.strikePrice else { return nil }
            kind = .option(type, strike: strike)
        } else {
            kind = .future
        }
        key = instrument.key
        underlying = instrument.underlyingKey ?? instrument.key
        expiryDay = expiry
    }

    public var isOption: Bool {
        if case .option = kind { return true }
        return false
    }
}

/// A signed position in one contract, in units (contracts × lot): positive long, negative short.
public struct SPANPosition: Hashable, Sendable {
    public var contract: SPANContract
    public var quantity: Int64

    public init(contract: SPANContract, quantity: Int64) {
        self.contract = contract
        self.quantity = quantity
    }
}

/// One of the 16 SPAN scenarios: a price move in multiples of PSR, a volatility move in multiples of VSR,
/// and the share of the loss that counts.
public struct SPANScenario: Hashable, Sendable {
    public var priceMove: Double
    public var volatilityMove: Double
    public var weight: Double

    public init(priceMove: Double, volatilityMove: Double, weight: Double) {
        self.priceMove = priceMove
        self.volatilityMove = volatilityMove
        self.weight = weight
    }

    /// Scenarios 1–14 at full weight; 15/16 the extreme moves (± multiple × PSR, volatility unchanged) at
    /// the extreme weight.
    public static func standard(extremeMultiple: Double = 2, extremeWeight: Double = 0.35) -> [SPANScenario] {
        var s: [SPANScenario] = []
        for move in [0.0, 1.0 / 3, -1.0 / 3, 2.0 / 3, -2.0 / 3, 1, -1] {
            s.append(SPANScenario(priceMove: move, volatilityMove: 1, weight: 1))
            s.append(SPANScenario(priceMove: move, volatilityMove: -1, weight: 1))
        }
        s.append(SPANScenario(priceMove: extremeMultiple, volatilityMove: 0, weight: extremeWeight))
        s.append(SPANScenario(priceMove: -extremeMultiple, volatilityMove: 0, weight: extremeWeight))
        return s
    }
}

/// SPAN margin of one underlying, each part rounded up to the paisa.
public struct SPANMargin: Hashable, Sendable, CustomStringConvertible {
    /// Largest loss over the 16 scenarios of the summed risk arrays (zero if every scenario gains).
    public var scanningRisk: Price
    /// 1…16; 0 when there are no positions.
    public var worstScenario: Int
    public var calendarSpreadCharge: Price
    public var shortOptionMinimum: Price
    public var exposureMargin: Price
    /// Model value of the long options (net option value credit, rounded down to the paisa).
    public var longOptionValue: Price

    public init(scanningRisk: Price, worstScenario: Int, calendarSpreadCharge: Price, shortOptionMinimum: Price,
                exposureMargin: Price, longOptionValue: Price = .zero) {
        self.scanningRisk = scanningRisk
        self.worstScenario = worstScenario
        self.calendarSpreadCharge = calendarSpreadCharge
        self.shortOptionMinimum = shortOptionMinimum
        self.exposureMargin = exposureMargin
        self.longOptionValue = longOptionValue
    }

    public static let zero = SPANMargin(scanningRisk: .zero, worstScenario: 0, calendarSpreadCharge: .zero,
                                        shortOptionMinimum: .zero, exposureMargin: .zero)

    /// SPAN requirement: max(scanning risk + calendar spread charge, short option minimum).
    public var spanRequirement: Price { max(scanningRisk + calendarSpreadCharge, shortOptionMinimum) }

    /// SPAN requirement + exposure margin.
    public var total: Price { spanRequirement + exposureMargin }

    /// What the engine blocks: `total` less the long options' value (their premium is paid upfront, and SPAN
    /// credits it back as net option value), never below zero.
    public var netRequirement: Price { max(total - longOptionValue, .zero) }

    public var description: String {
        "scan=\(scanningRisk.rupeesString)(#\(worstScenario)) spread=\(calendarSpreadCharge.rupeesString) "
            + "somc=\(shortOptionMinimum.rupeesString) exposure=\(exposureMargin.rupeesString) "
            + "total=\(total.rupeesString) longOptionValue=\(longOptionValue.rupeesString)"
    }
}

/// Market data SPAN could not find.
public enum SPANError: Error, Hashable, Sendable {
    case missingPrice(InstrumentKey)
    case missingVolatility(InstrumentKey)

    public var instrument: InstrumentKey {
        switch self {
        case .missingPrice(let k), .missingVolatility(let k): k
        }
    }
}
