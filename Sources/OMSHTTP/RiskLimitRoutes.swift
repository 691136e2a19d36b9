import Foundation
import Hummingbird
import OMSAPIModels
import OMSCore
import OMSPersistence

/// `/api/limits/{client}` (GET, PUT) and `/api/margin/{client}` (GET). Mount with
/// `RiskLimitRoutes(desk:).mount(on: router)`.
public struct RiskLimitRoutes<Context: RequestContext>: Sendable {
    public let desk: RiskDesk

    public init(desk: RiskDesk) { self.desk = desk }

    public func mount(on router: Router<Context>) {
        let limits = RouteCollection(context: Context.self)
        limits.get(":client") { _, context in try await self.show(context) }
        limits.put(":client") { request, context in try await self.update(request, context: context) }
        router.addRoutes(limits, atPath: "/api/limits")
        let margin = RouteCollection(context: Context.self)
        margin.get(":client") { _, context in try await self.margin(context) }
        router.addRoutes(margin, atPath: "/api/margin")
    }

    func client(_ context: Context) throws -> ClientID {
        ClientID(try context.decodedParameter("client", maxLength: 64, code: "INVALID_CLIENT", what: "the client id"))
    }

    /// `GET /api/limits/DEMO01`.
    func show(_ context: Context) async throws -> LimitsResponse {
        let c = try client(context)
        guard let r = try await desk.limits(c) else {
            throw APIError(.notFound, code: "NO_LIMITS", message: "client \(c) has no risk limits (its orders are refused)")
        }
        return r
    }

    /// `PUT /api/limits/DEMO01` with `{"by": "alice", "changes": [{"field": "maxOrderValue", "value": "500000"}]}`.
    func update(_ request: Request, context: Context) async throws -> LimitsResponse {
        let c = try client(context)
        let body: LimitsUpdateRequest
        do {
            body = try await JSONBody.decode(LimitsUpdateRequest.self, from: request)
        } catch {
            // What was wrong, then the expected shape (the message used to give the shape alone).
            let why: String
            switch error {
            case .invalid(let text): why = text
            case .unreadable: why = error.isTooLarge ? "the body is over 64 KiB" : "the body could not be read"
            }
            throw APIError(.badRequest, code: "INVALID_BODY",
                           message: why + "; expected {\"by\": USER, \"changes\": [{\"field\": F, \"instrument\": KEY?, "
                               + "\"value\": TEXT or null}]} with fields "
                               + RiskLimitField.allCases.map(\.rawValue).joined(separator: ", "))
        }
        // Texts stored in the audit and shown back: bounded, no control characters.
        guard body.by.count <= 64, !body.by.hasControlCharacters else {
            throw APIError(.badRequest, code: "INVALID_CHANGE", message: "`by` must be at most 64 characters, no control characters")
        }
        for c in body.changes {
            if let k = c.instrument?.rawValue, k.isEmpty || k.count > 64 || k.hasControlCharacters {
                throw APIError(.badRequest, code: "INVALID_CHANGE",
                               message: "instrument must be an instrument key of 1…64 characters, e.g. NSE_EQ|INE002A01018")
            }
            if let v = c.value, v.count > 64 || v.hasControlCharacters {
                throw APIError(.badRequest, code: "INVALID_LIMIT", message: "\(c.field.rawValue): the value is not a limit")
            }
        }
        do {
            return try await desk.update(c, body)
        } catch let e as RiskLimitEditError {
            throw APIError(.badRequest, code: "INVALID_LIMIT", message: e.description)
        } catch let e as RiskLimitStoreError {
            throw APIError(.badRequest, code: "INVALID_CHANGE", message: e.description)
        }
    }

    /// `GET /api/margin/DEMO03`.
    func margin(_ context: Context) async throws -> MarginResponse {
        let c = try client(context)
        switch try await desk.margin(c) {
        case .none:
            throw APIError(.notFound, code: "NO_LIMITS", message: "client \(c) has no risk limits")
        case .some(.failure(let r)):
            throw APIError(.serviceUnavailable, code: "MARKET_DATA_MISSING", message: r.description)
        case .some(.success(let m)):
            return m
        }
    }
}

extension LimitsResponse: ResponseEncodable {}
extension MarginResponse: ResponseEncodable {}
