import BrokerKit
import Foundation
import Logging
import OMSCore
import ServiceLifecycle

/// Starts the REST brokers' order-update streams, reconciles every broker with readable books once (after the
/// restore), and shuts the brokers down on graceful shutdown. FIX venues run as services of their own.
struct BrokerConnectionsService: Service {
    let connections: [any BrokerConnection]
    let reconciliation: BrokerReconciliation
    let logger: Logger

    func run() async throws {
        for c in connections { await c.start() }
        for id in reconciliation.brokers where reconciliation.books[id] != nil {
            do {
                let r = try await reconciliation.run(id, trigger: "start")
                let line = "reconciliation with \(id) at start (run \(r.runId)): \(r.vegaOrders) orders of today, "
                    + (r.isClean ? "no differences" : "\(r.differences.count) differences")
                FileHandle.standardError.write(Data(("vega-oms: " + line + "\n"
                    + r.differences.map { "vega-oms:   \($0.detail)\n" }.joined()).utf8))
            } catch {
                FileHandle.standardError.write(Data("vega-oms: reconciliation with \(id) at start failed: \(error)\n".utf8))
            }
        }
        try? await gracefulShutdown()
        for c in connections { await c.shutdown() }
    }
}
