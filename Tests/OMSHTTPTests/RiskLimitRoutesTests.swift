import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import OMSAPIModels
import OMSCore
import OMSHTTP
import OMSPersistence
import Testing

/// A real `LimitRiskEngine` behind an actor, standing in for the `OrderEngine`.
actor EngineTarget: RiskLimitTarget {
    let engine: LimitRiskEngine
    let market: MarketSnapshot

    init(limits: [ClientID: RiskLimits], market: MarketSnapshot = MarketSnapshot()) {
        engine = LimitRiskEngine(limits: limits)
        self.market = market
    }

    func applyRiskLimits(_ limits: RiskLimits, for client: ClientID) { engine.setLimits(limits, for: client) }

    func currentMarginStatement(for client: ClientID) -> Result<MarginStatement, RiskRejection>? {
        engine.marginStatement(for: client, market: market)
    }

    func currentExposure(for client: ClientID) -> ClientExposure? { engine.exposure(for: client) }

    /// Books a carried position and checks (reserves) an order, as the order engine would.
    func book(_ client: ClientID, carried: Int64, order: RiskOrder) -> Bool {
        engine.loadPosition(client: client, instrument: order.instrument, product: order.product, quantity: carried,
                            averagePrice: Price(rupees: 1_400))
        return engine.check(order, market: market).isAccepted
    }

    func limits(_ client: ClientID) -> RiskLimits? { engine.limits(for: client) }
}

struct RiskLimitRoutesTests {
    func app(_ store: RiskLimitStore, _ target: EngineTarget) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: APIErrorMiddleware())
        RiskLimitRoutes<BasicRequestContext>(desk: RiskDesk(store: store, target: target, now: { 1_795_570_200_000 }))
            .mount(on: router)
        return Application(router: router)
    }

    func json(_ value: some Encodable) throws -> ByteBuffer { ByteBuffer(data: try JSONEncoder().encode(value)) }

    @Test func putStoresAuditsAndAppliesToTheEngine() async throws {
        let store = RiskLimitStore(writer: try VegaDatabase.inMemory())
        _ = try await store.update(ClientID("DEMO01"), edits: [RiskLimitEdit(field: .maxOrderValue, value: "100")],
                                   by: "seed", at: 0)
        let target = EngineTarget(limits: [ClientID("DEMO01"): RiskLimits(maxOrderValue: Price(rupees: 100))])
        try await app(store, target).test(.router) { client in
            let body = LimitsUpdateRequest(by: "alice", changes: [
                RiskLimitEdit(field: .maxOrderValue, value: "500000"),
                RiskLimitEdit(field: .symbolMaxOrderQuantity, instrument: InstrumentKey("NSE_EQ|X"), value: "10"),
            ])
            try await client.execute(uri: "/api/limits/DEMO01", method: .put, body: try json(body)) { r in
                #expect(r.status == .ok)
                let out = try JSONDecoder().decode(LimitsResponse.self, from: Data(buffer: r.body))
                #expect(out.changes.map { "\($0.changedBy) \($0.field) \($0.oldValue ?? "off")->\($0.newValue ?? "off")" }
                        == ["alice maxOrderValue 100.00->500000.00", "alice symbolMaxOrderQuantity off->10"])
                #expect(out.changes.first?.changedAt == "2026-11-25 07:00:00.000 IST")
            }
            try await client.execute(uri: "/api/limits/DEMO01", method: .get) { r in
                let out = try JSONDecoder().decode(LimitsResponse.self, from: Data(buffer: r.body))
                #expect(out.limits.maxOrderValue == Price(rupees: 500_000))
                #expect(out.changes.count == 3)
            }
        }
        #expect(await target.limits(ClientID("DEMO01"))?.maxOrderValue == Price(rupees: 500_000))
        #expect(await target.limits(ClientID("DEMO01"))?.symbolCaps[InstrumentKey("NSE_EQ|X")]?.maxOrderQuantity == Quantity(10))
    }

    @Test func limitsShowWhatTheClientUsesNow() async throws {
        let store = RiskLimitStore(writer: try VegaDatabase.inMemory())
        _ = try await store.update(ClientID("DEMO01"), edits: [RiskLimitEdit(field: .maxOpenOrders, value: "5")],
                                   by: "seed", at: 0)
        let target = EngineTarget(limits: [ClientID("DEMO01"): RiskLimits(maxOpenOrders: 5)])
        let reliance = Instrument(key: InstrumentKey("NSE_EQ|INE002A01018"), segment: .nseEQ, exchange: "NSE",
                                  name: "RELIANCE INDUSTRIES LTD", instrumentType: "EQ", tradingSymbol: "RELIANCE",
                                  lotSize: 1, tickSize: Price(paise: 10))
        let sell = RiskOrder(client: ClientID("DEMO01"), instrument: reliance, side: .sell, product: .cnc, orderType: .limit,
                             quantity: Quantity(4), limitPrice: Price(rupees: 1_500))
        #expect(await target.book(ClientID("DEMO01"), carried: 10, order: sell))
        try await app(store, target).test(.router) { client in
            try await client.execute(uri: "/api/limits/DEMO01", method: .get) { r in
                #expect(r.status == .ok)
                let out = try JSONDecoder().decode(LimitsResponse.self, from: Data(buffer: r.body))
                let usage = try #require(out.usage)
                #expect(usage.openOrders == 1 && usage.openOrderValue == Price(rupees: 6_000))
                #expect(usage.positions == [LimitUsageDTO.Position(
                    instrumentKey: "NSE_EQ|INE002A01018", product: "CNC", netQuantity: 10, averagePrice: Price(rupees: 1_400),
                    workingBuyQuantity: 0, workingSellQuantity: 4)])
            }
        }
    }

    @Test func badChangesAreRefusedWithTheirReasonAndChangeNothing() async throws {
        let store = RiskLimitStore(writer: try VegaDatabase.inMemory())
        let target = EngineTarget(limits: [:])
        try await app(store, target).test(.router) { client in
            let bad = LimitsUpdateRequest(by: "alice", changes: [RiskLimitEdit(field: .maxOpenOrders, value: "many")])
            try await client.execute(uri: "/api/limits/C9", method: .put, body: try json(bad)) { r in
                #expect(r.status == .badRequest)
                let e = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
                #expect(e.code == "INVALID_LIMIT")
                #expect(e.message == "maxOpenOrders: `many` is not a whole number from 0 to 2147483647")
            }
            let anonymous = LimitsUpdateRequest(by: "", changes: [RiskLimitEdit(field: .maxOpenOrders, value: "1")])
            try await client.execute(uri: "/api/limits/C9", method: .put, body: try json(anonymous)) { r in
                #expect(r.status == .badRequest)
                let e = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
                #expect(e.code == "INVALID_CHANGE")
            }
            // A first change that sets nothing would store a client with every limit off, unaudited.
            let nothing = LimitsUpdateRequest(by: "alice", changes: [RiskLimitEdit(field: .maxDailyLoss, value: nil)])
            try await client.execute(uri: "/api/limits/C9", method: .put, body: try json(nothing)) { r in
                #expect(r.status == .badRequest)
                let e = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
                #expect(e.code == "INVALID_CHANGE")
                #expect(e.message == "client C9 has no limits yet and the change sets none: give at least one limit a value")
            }
            try await client.execute(uri: "/api/limits/C9", method: .put, body: ByteBuffer(string: "{\"by\": 1}")) { r in
                #expect(r.status == .badRequest)
                let e = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
                #expect(e.code == "INVALID_BODY")
                #expect(e.message.hasPrefix("field `by`: "), "\(e.message)")   // what was wrong, then the shape
            }
            // The audit's texts are bounded and free of control characters.
            let odd = LimitsUpdateRequest(by: "eve\u{1B}[2J", changes: [RiskLimitEdit(field: .maxOpenOrders, value: "1")])
            try await client.execute(uri: "/api/limits/C9", method: .put, body: try json(odd)) { r in
                #expect(r.status == .badRequest)
                let e = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
                #expect(e.code == "INVALID_CHANGE" && e.message.contains("`by`"))
            }
            try await client.execute(uri: "/api/limits/C9", method: .get) { r in
                #expect(r.status == .notFound)
                let e = try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: r.body))
                #expect(e.code == "NO_LIMITS")
            }
        }
        #expect(await target.limits(ClientID("C9")) == nil)
    }

    @Test func marginShowsTheStatementOrSaysWhyNot() async throws {
        let store = RiskLimitStore(writer: try VegaDatabase.inMemory())
        let target = EngineTarget(limits: [ClientID("F1"): RiskLimits(availableMargin: Price(rupees: 1_000))])
        try await app(store, target).test(.router) { client in
            try await client.execute(uri: "/api/margin/F1", method: .get) { r in
                #expect(r.status == .ok)
                let m = try JSONDecoder().decode(MarginResponse.self, from: Data(buffer: r.body))
                #expect(m.utilised == .zero && m.available == Price(rupees: 1_000) && m.free == Price(rupees: 1_000))
                #expect(m.underlyings.isEmpty)
            }
            try await client.execute(uri: "/api/margin/NOPE", method: .get) { r in
                #expect(r.status == .notFound)
            }
        }
    }
}
