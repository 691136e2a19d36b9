import BrokerKit
import Foundation
import Logging
import OMSCore
import ServiceLifecycle

/// Starts the REST brokers' order-update streams, reconciles every broker with readable books once (after the
/// restore, and once the open orders restored have been taken up at their brokers: until then an order stored
/// but not yet at its broker, to be placed or caught up, would show as a difference), and shuts the brokers
/// down on graceful shutdown. FIX venues run as services of their own.
struct BrokerConnectionsService: Service {
    let connections: [any BrokerConnection]
    let reconciliation: BrokerReconciliation
    let resumed: AsyncOnce<Bool>
    let logger: Logger
    static let differencesShown = 20

    func run() async throws {
        for c in connections { await c.start() }
        let ready = await cancelWhenGracefulShutdown { await resumed.wait() } != nil
        for id in reconciliation.brokers where ready && reconciliation.books[id] != nil {
            do {
                let r = try await reconciliation.run(id, trigger: "start")
                let line = "reconciliation with \(id) at start (run \(r.runId)): \(r.vegaOrders) orders of today, "
                    + (r.isClean ? "no differences" : "\(r.differences.count) differences")
                // The first differences on the console; all of them are stored with the run.
                let shown = r.differences.prefix(Self.differencesShown).map { "vega-oms:   \($0.detail)\n" }.joined()
                let more = r.differences.count > Self.differencesShown
                    ? "vega-oms:   … and \(r.differences.count - Self.differencesShown) more, stored with run \(r.runId)\n" : ""
                FileHandle.standardError.write(Data(("vega-oms: " + line + "\n" + shown + more).utf8))
            } catch {
                FileHandle.standardError.write(Data("vega-oms: reconciliation with \(id) at start failed: \(error)\n".utf8))
            }
        }
        try? await gracefulShutdown()
        for c in connections { await c.shutdown() }
    }
}
