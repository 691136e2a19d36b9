// JSON forms used by seeds/sessions/*.json (docs/market-sessions.md): dates `YYYY-MM-DD`, times `HH:mm`, sets as
// arrays of names; a phase leaves out every key that has its default.

extension TradingDate: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let d = TradingDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM-DD date: \(text)")
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension SessionTime: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let t = SessionTime(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an HH:mm time: \(text)")
        }
        self = t
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension SessionOrderTypes: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        var set = SessionOrderTypes()
        for name in try c.decode([String].self) {
            guard let t = OrderType(sessionName: name) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown order type `\(name)` "
                    + "(market, limit, stop, stopLimit)")
            }
            set.insert(SessionOrderTypes(t))
        }
        self = set
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(types.map(\.sessionName))
    }
}

extension ProductSet: Codable {
    public init(from decoder: Decoder) throws {
        self = ProductSet(try decoder.singleValueContainer().decode([Product].self).map(ProductSet.init))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(products)
    }
}

extension SessionPhase: Codable {
    enum CodingKeys: String, CodingKey {
        case name, start, end, entry, orderTypes, tooLateOrderTypes = "tooLate", allowsIOC = "ioc", products
        case holdsAfterMarketOrders = "holdsAMO", releasesAfterMarketOrders = "releasesAMO"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(SessionPhaseName.self, forKey: .name),
            start: try c.decode(SessionTime.self, forKey: .start),
            end: try c.decode(SessionTime.self, forKey: .end),
            entry: try c.decodeIfPresent(SessionPhaseEntry.self, forKey: .entry) ?? .open,
            orderTypes: try c.decodeIfPresent(SessionOrderTypes.self, forKey: .orderTypes) ?? [],
            tooLateOrderTypes: try c.decodeIfPresent(SessionOrderTypes.self, forKey: .tooLateOrderTypes) ?? [],
            allowsIOC: try c.decodeIfPresent(Bool.self, forKey: .allowsIOC) ?? false,
            products: try c.decodeIfPresent(ProductSet.self, forKey: .products) ?? .all,
            holdsAfterMarketOrders: try c.decodeIfPresent(Bool.self, forKey: .holdsAfterMarketOrders) ?? false,
            releasesAfterMarketOrders: try c.decodeIfPresent(Bool.self, forKey: .releasesAfterMarketOrders) ?? false)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        if entry != .open { try c.encode(entry, forKey: .entry) }
        if !orderTypes.isEmpty { try c.encode(orderTypes, forKey: .orderTypes) }
        if !tooLateOrderTypes.isEmpty { try c.encode(tooLateOrderTypes, forKey: .tooLateOrderTypes) }
        if allowsIOC { try c.encode(true, forKey: .allowsIOC) }
        if products != .all { try c.encode(products, forKey: .products) }
        if holdsAfterMarketOrders { try c.encode(true, forKey: .holdsAfterMarketOrders) }
        if releasesAfterMarketOrders { try c.encode(true, forKey: .releasesAfterMarketOrders) }
    }
}
