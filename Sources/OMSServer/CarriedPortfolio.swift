import Foundation
import OMSCore

/// The demo data's carried positions (`seeds/risk/positions.csv`, the ones the risk engine starts from) as
/// portfolio lines at the paper broker, so that the portfolio shows them with their day P&L.
enum CarriedPortfolio {
    static func load(seeds: String, resolver: SymbolResolver, today: Int, except stored: Set<PortfolioKey>) -> [PortfolioPosition] {
        let file = URL(fileURLWithPath: seeds).appendingPathComponent("risk/positions.csv")
        guard let csv = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return RiskDataFiles.positions(csv: csv).positions.compactMap { c in
            let key = PortfolioKey(client: c.client, broker: .paper, instrumentKey: c.instrument, product: c.product)
            guard !stored.contains(key),
                  case .success(let i) = resolver.resolve(InstrumentLookup(securityID: c.instrument.rawValue,
                                                                          securityIDSource: InstrumentLookup.IDSource.exchangeSymbol))
            else { return nil }
            var p = PortfolioPosition(key: key, symbol: i.tradingSymbol, tradingDay: today)
            p.carriedQuantity = c.quantity
            p.netQuantity = c.quantity
            p.openCostUnits = abs(c.quantity).multipliedSaturated(by: c.averagePrice.units)
            return p
        }
    }
}
