import Foundation
import OMSAPIModels
import OMSCore
import OMSPersistence

/// Where changed limits take effect and where the margin is read: the running `OrderEngine`.
public protocol RiskLimitTarget: Sendable {
    func applyRiskLimits(_ limits: RiskLimits, for client: ClientID) async throws
    func currentMarginStatement(for client: ClientID) async throws -> Result<MarginStatement, RiskRejection>?
    /// What the client uses of its limits now; nil when the engine does not book it.
    func currentExposure(for client: ClientID) async throws -> ClientExposure?
}

extension OrderEngine: RiskLimitTarget {
    public func applyRiskLimits(_ limits: RiskLimits, for client: ClientID) throws {
        try setRiskLimits(limits, for: client)
    }

    public func currentMarginStatement(for client: ClientID) throws -> Result<MarginStatement, RiskRejection>? {
        try marginStatement(for: client)
    }

    public func currentExposure(for client: ClientID) throws -> ClientExposure? {
        try riskExposure(for: client)
    }
}

/// Limits as the desk sees them: stored (with their audit) in SQLite and applied to the running engine. A change
/// is written first, then applied; the engine never holds limits the database does not.
public actor RiskDesk {
    let store: RiskLimitStore
    let target: any RiskLimitTarget
    let now: @Sendable () -> Int64
    /// Latest audit id applied per client, so that of two changes racing to the engine the older one is dropped.
    var applied: [ClientID: Int64] = [:]

    /// - Parameter now: epoch milliseconds for the audit (the wall clock: the audit records when people act).
    public init(store: RiskLimitStore, target: any RiskLimitTarget,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.store = store
        self.target = target
        self.now = now
    }

    /// The stored limits and the latest 20 changes; nil when the client has none.
    public func limits(_ client: ClientID) async throws -> LimitsResponse? {
        guard let limits = try await store.load(client) else { return nil }
        let audit = try await store.audit(client, limit: 20)
        return LimitsResponse(client: client.rawValue, limits: limits, usage: try await usage(client),
                              changes: audit.map(Self.dto))
    }

    /// Applies the changes (stored and audited in one transaction), then hands the result to the engine.
    public func update(_ client: ClientID, _ request: LimitsUpdateRequest) async throws -> LimitsResponse {
        let result = try await store.update(client, edits: request.changes, by: request.by, at: now())
        if let id = result.changes.last?.id, id > applied[client, default: 0] {
            applied[client] = id
            try await target.applyRiskLimits(result.limits, for: client)
        }
        return LimitsResponse(client: client.rawValue, limits: result.limits, usage: try await usage(client),
                              changes: result.changes.map(Self.dto))
    }

    func usage(_ client: ClientID) async throws -> LimitUsageDTO? {
        try await target.currentExposure(for: client).map(LimitUsageDTO.init)
    }

    public func margin(_ client: ClientID) async throws -> Result<MarginResponse, RiskRejection>? {
        try await target.currentMarginStatement(for: client).map { $0.map(MarginResponse.init) }
    }

    static func dto(_ e: RiskLimitAuditEntry) -> LimitChangeDTO {
        LimitChangeDTO(changedAt: ISTDateTime(epochMilliseconds: e.changedAt).description, changedBy: e.changedBy,
                       field: e.field, instrument: e.instrument?.rawValue, oldValue: e.oldValue, newValue: e.newValue)
    }
}
