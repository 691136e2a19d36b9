import BrokerSimulator
import FIXGateway
import Foundation
import OMSCore
import ReferenceData
import ServiceLifecycle

/// Runs the order flow inside the service group: FIX commands into the engine, reports back out, broker
/// events into the engine, and the paper market moving once a second. At start, the open orders restored
/// from the database are taken up with their brokers; `resumed` is set once they are.
struct OrderFlowService: Service {
    let app: OMSFIXApplication
    let engine: OrderEngine
    let paper: PaperBroker
    let resumed: AsyncOnce<Bool>

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { g in
                g.addTask { await app.run(engine: engine) }
                g.addTask { await engine.run() }
                g.addTask {
                    await engine.resumeAtBrokers()
                    // Restored paper orders trade only once taken up (a fill in between counted twice).
                    await paper.resumeMatching()
                    resumed.set(true)
                }
                g.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        await paper.step()
                    }
                }
            }
        }
    }
}

/// The paper market's opening prices: the middle of each instrument's price band in the seed file.
enum PaperPrices {
    static func seed(_ paper: PaperBroker, from file: URL, resolver: SymbolResolver) async throws -> Int {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return 0 }
        var count = 0
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            guard f.count >= 5, let lo = Price(f[3]), let hi = Price(f[4]) else { continue }
            guard case .success(let i) = resolver.resolve(InstrumentLookup(symbol: f[2], exchange: f[1])) else { continue }
            let mid = Price(units: (lo.units + hi.units) / 2).roundedDown(toMultipleOf: i.tickSize)
            await paper.setBand(lower: lo, upper: hi, for: i.key)
            await paper.setPrice(mid, for: i)
            count += 1
        }
        return count
    }
}

/// The exchange clock: the system clock, or a simulated one that starts at a chosen instant (by default the
/// next trading day at 10:00 IST) and runs at real speed, so that a first order works at any hour.
final class ExchangeClock: InstantClock {
    let offsetMilliseconds: Int64
    let label: String

    init(mode: String, holidays: HolidayCalendar) {
        let realNow = Int64(Date().timeIntervalSince1970 * 1000)
        if mode == "system" {
            offsetMilliseconds = 0
            label = "system (IST)"
            return
        }
        var start: Int64
        if mode.hasPrefix("simulated="), let t = ExchangeClock.parseInstant(String(mode.dropFirst(10))) {
            start = t
        } else {
            var day = ISTDateTime(epochMilliseconds: realNow).date
            repeat {
                day = TradingDate(daysSinceEpoch: day.daysSinceEpoch + 1)
            } while day.isWeekend || holidays.holiday(on: day, market: .nseEquity) != nil
            start = ISTDateTime(date: day, minuteOfDay: 10 * 60).epochMilliseconds
        }
        offsetMilliseconds = start - realNow
        label = "simulated, started at \(ISTDateTime(epochMilliseconds: start)) and running at real speed"
    }

    func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) + offsetMilliseconds }

    /// The exchange clock's instant (for the reference data's trading day).
    func now() -> Date { Date(timeIntervalSince1970: Double(nowMilliseconds()) / 1000) }

    var description: String { label }

    static func parseInstant(_ s: String) -> Int64? {
        let f = ISO8601DateFormatter()
        return f.date(from: s).map { Int64($0.timeIntervalSince1970 * 1000) }
    }
}
