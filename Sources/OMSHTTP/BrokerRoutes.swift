import Hummingbird
import OMSAPIModels
import OMSCore

/// What the broker routes need from the server.
public protocol BrokerReconciling: Sendable {
    /// Compares Vega's books with the broker's, records the run and its differences, and returns the report.
    /// - Throws: `BrokerReconciliationError`.
    func reconcile(_ broker: BrokerID) async throws -> ReconciliationReportDTO
}

/// Why a reconciliation could not run.
public enum BrokerReconciliationError: Error, Sendable, CustomStringConvertible {
    case unknownBroker(BrokerID, known: [BrokerID])
    /// The broker has no books Vega can read (a plain FIX venue).
    case notSupported(BrokerID)
    /// The broker's books could not be read (down, token expired); recorded as a failed run.
    case brokerFailed(BrokerID, String)

    public var description: String {
        switch self {
        case .unknownBroker(let b, let known):
            return "no broker \(b) (configured: \(known.map(\.rawValue).joined(separator: ", ")))"
        case .notSupported(let b): return "broker \(b) has no order book, trade book or positions Vega can read"
        case .brokerFailed(let b, let why): return "cannot read the books of \(b): \(why)"
        }
    }
}

/// `POST /api/brokers/{id}/reconcile`.
public struct BrokerRoutes<Context: RequestContext>: Sendable {
    public let service: BrokerReconciling

    public init(service: BrokerReconciling) { self.service = service }

    public func mount(on router: Router<Context>) {
        let routes = RouteCollection(context: Context.self)
        routes.post(":broker/reconcile") { _, context in try await self.reconcile(context) }
        router.addRoutes(routes, atPath: "/api/brokers")
    }

    func reconcile(_ context: Context) async throws -> ReconciliationReportDTO {
        let b = try context.decodedParameter("broker", maxLength: 32, code: "INVALID_BROKER", what: "the broker id")
        do {
            return try await service.reconcile(BrokerID(b))
        } catch let e as BrokerReconciliationError {
            switch e {
            case .unknownBroker: throw APIError(.notFound, code: "UNKNOWN_BROKER", message: e.description)
            case .notSupported: throw APIError(.conflict, code: "RECONCILIATION_NOT_SUPPORTED", message: e.description)
            case .brokerFailed: throw APIError(.badGateway, code: "BROKER_UNAVAILABLE", message: e.description)
            }
        }
    }
}

extension ReconciliationReportDTO: ResponseEncodable {}
