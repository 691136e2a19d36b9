import BrokerSimulator
import Foundation
import OMSCore
import ServiceLifecycle

/// A tick file the paper market replays instead of its random walk: CSV `offset_ms,exchange,symbol,price`
/// (milliseconds after the server started, in order). Each tick sets the instrument's last price, which
/// matches resting orders and marks the portfolio.
struct PaperTickReplay: Service {
    struct Tick: Sendable {
        var offsetMilliseconds: Int64
        var instrument: Instrument
        var price: Price
    }

    struct FileError: Error, CustomStringConvertible {
        var description: String
    }

    let ticks: [Tick]
    let paper: PaperBroker
    let start: ContinuousClock.Instant

    /// Reads and checks the whole file: a bad line stops the start with `file:line: problem`.
    static func load(path: String, resolver: SymbolResolver) throws -> [Tick] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FileError(description: "\(path): cannot read the tick file")
        }
        var ticks: [Tick] = []
        var last: Int64 = -1
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || (n == 0 && line.hasPrefix("offset_ms")) { continue }
            func bad(_ why: String) -> FileError { FileError(description: "\(path):\(n + 1): \(why)") }
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 4 else { throw bad("expected offset_ms,exchange,symbol,price, got \(f.count) fields") }
            guard let offset = Int64(f[0]), offset >= 0 else { throw bad("offset_ms `\(f[0])` is not a whole number ≥ 0") }
            guard offset >= last else { throw bad("offset_ms \(offset) is before the previous tick's \(last)") }
            guard let price = Price(f[3]), price.units > 0 else { throw bad("price `\(f[3])` is not a positive price") }
            guard case .success(let i) = resolver.resolve(InstrumentLookup(symbol: f[2], exchange: f[1])) else {
                throw bad("unknown instrument \(f[1]) \(f[2])")
            }
            guard price.isMultiple(of: i.tickSize) else { throw bad("price \(price) is not a multiple of the tick size \(i.tickSize)") }
            last = offset
            ticks.append(Tick(offsetMilliseconds: offset, instrument: i, price: price))
        }
        return ticks
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            for t in ticks {
                try await ContinuousClock().sleep(until: start.advanced(by: .milliseconds(t.offsetMilliseconds)))
                await paper.setPrice(t.price, for: t.instrument)
            }
        }
    }
}
