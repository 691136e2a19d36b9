import BrokerSimulator
import FIXGateway
import OMSAPIModels
import OMSCore
import OMSHTTP
import OMSPersistence

/// The REST API's (and so the CLI's) way into the order flow: the same engine and pipeline as FIX orders;
/// each answer is given once the change it reports is durable.
struct EngineOrderService: OrderService {
    let engine: OrderEngine
    let app: OMSFIXApplication
    let repository: OrderRepository
    let instrument: @Sendable (InstrumentKey) -> Instrument?
    let paper: PaperBroker
    /// The exchange clock (epoch ms): the portfolio shows its trading day.
    let now: @Sendable () -> Int64

    func place(_ request: OrderRequest) async throws -> OrderSnapshot {
        let id = await engine.submit(request)
        let snapshot = await engine.order(id)
        // Everything the snapshot shows (a paper fill that came at once too) was reported before this wait
        // began, so the answer never shows what a crash could still undo.
        do {
            try await app.reportsDurable()
        } catch {
            // The order was taken but is not known to be stored: the answer names it, so that a client looks it
            // up rather than placing it again blindly (a plain 500 invited a second order).
            throw APIError(.serviceUnavailable, code: "NOT_DURABLE",
                           message: "order \(id) was taken but could not be stored (\(error)); look it up "
                               + "(GET /api/order/status?id=\(id)) before placing it again")
        }
        if let snapshot { return snapshot }
        guard let stored = try repository.order(id, instrument: instrument) else {
            throw APIError(.serviceUnavailable, code: "NOT_DURABLE",
                           message: "order \(id) was taken but is neither in the engine nor stored: it is not known to "
                               + "exist (GET /api/order/status?id=\(id) says so) — check before placing it again")
        }
        return stored
    }

    func order(_ id: OrderID) async throws -> OrderSnapshot? {
        if let o = await engine.order(id) {
            // As for place: what the answer shows is stored before it is shown.
            try await app.reportsDurable()
            return o
        }
        return try repository.order(id, instrument: instrument)
    }

    func cancel(_ id: OrderID) async throws -> OrderCancelOutcome {
        let outcome = await engine.cancel(orderID: id)
        if case .requested = outcome { try await app.reportsDurable() }
        if case .unknown = outcome, let stored = try repository.order(id, instrument: instrument) {
            return .refused(.tooLate, "order is \(OrderDTO.name(stored.status))")
        }
        return outcome
    }

    /// From the store, so that only what is durable is shown (the engine may hold a newer state still being stored).
    func orders(client: ClientID?, openOnly: Bool, limit: Int, before: Int?) async throws -> OrderListPage {
        let newest = await engine.nextOrderSequence
        return try await repository.recentOrders(client: client, openOnly: openOnly, limit: limit,
                                                 below: min(before ?? newest, newest), instrument: instrument)
    }

    func portfolio(client: ClientID?) async -> [MergedPosition] {
        let marks = await paper.lastPrices()
        let book = app.portfolio
        // The fills in the book were reported before this wait began: the answer shows only stored fills (but
        // for a failed store or a stopping flow, when the wait fails and the book is shown as it is).
        try? await app.reportsDurable()
        return book.merged(client: client, tradingDay: ISTDateTime.day(epochMilliseconds: now())) { marks[$0] }
    }
}
