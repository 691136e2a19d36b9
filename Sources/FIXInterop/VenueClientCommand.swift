import ArgumentParser
import BrokerFIXVenue
import FIXEngine
import FIXSession
import Foundation
import Logging
import NIOConcurrencyHelpers
import OMSCore

extension FIXInteropCommand {
    /// Vega's downstream FIX venue adapter (`FIXVenueBroker`) as the client: places N limit orders through the
    /// `BrokerAdapter` API and waits until each has been filled in full, as Vega's order engine would see it.
    struct VenueClient: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "venue-client",
            abstract: "Places N orders through FIXVenueBroker (FIX 4.4 initiator), waits for every fill event, logs out.")

        @OptionGroup var initiator: InteropInitiatorOptions

        @OptionGroup var common: InteropCommonOptions

        func run() async throws {
            let (host, port, sender, target) = (initiator.host, initiator.port, initiator.sender, initiator.target)
            let (count, timeout, heartBtInt) = (initiator.count, initiator.timeout, initiator.heartBtInt)
            common.bootstrapLogging()
            let logger = Logger(label: "fix-interop.venue-client")
            let dictionary = try common.loadDictionary(command: "fix-interop venue-client")
            var settings = FIXVenueSettings(
                brokerID: BrokerID("FIXVENUE"), host: host, port: port, senderCompID: sender, targetCompID: target,
                capabilities: BrokerCapabilities(orderTypes: [.limit], validities: [.day], products: Set(Product.allCases),
                                                 supportsAfterMarketOrders: false, maxOrdersPerSecond: 10))
            settings.session.heartBtInt = heartBtInt
            settings.session.resetOnLogon = true
            settings.session.reconnectInterval = 1
            settings.session.dataDictionaryPath = common.dictionary
            settings.answerTimeout = .milliseconds(Int(min(timeout, 10) * 1000))
            let broker = try FIXVenueBroker(settings: settings, dictionary: dictionary,
                                            log: try common.sessionLog(logger: logger), logger: logger)
            let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
            let received = NIOLockedValueBox<[BrokerOrderEvent]>([])
            let collector = Task { for await e in broker.events { received.withLockedValue { $0.append(e) } } }
            broker.start()

            func fail(_ why: String) async throws -> Never {
                InteropOutput.error("fix-interop venue-client: \(why)")
                await broker.shutdown()
                collector.cancel()
                throw ExitCode(1)
            }

            while !(await broker.isLoggedOn) {
                if ContinuousClock.now >= deadline {
                    try await fail("timed out after \(timeout)s waiting for logon to \(target) at \(host):\(port)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            logger.info("Logged on to \(target) at \(host):\(port); placing \(count) orders through FIXVenueBroker")

            let listed: [(symbol: String, isin: String)] = [
                ("INFY", "INE009A01021"), ("TCS", "INE467B01029"), ("RELIANCE", "INE002A01018"),
                ("HDFCBANK", "INE040A01034"), ("SBIN", "INE062A01020"),
            ]
            let instruments = listed.map { symbol, isin in
                Instrument(key: InstrumentKey("NSE_EQ|\(isin)"), segment: .nseEQ, exchange: "NSE", name: symbol,
                           instrumentType: "EQ", tradingSymbol: symbol, isin: isin)
            }
            let runID = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36).uppercased()
            var orders: [BrokerOrderRequest] = []
            for i in 1...count {
                let o = BrokerOrderRequest(
                    tag: "\(sender)-\(runID)-\(i)", instrument: instruments[(i - 1) % instruments.count],
                    side: i % 2 == 1 ? .buy : .sell, product: i % 3 == 0 ? .cnc : .mis, orderType: .limit,
                    timeInForce: .day, quantity: Quantity(Int64(100 * i)),
                    limitPrice: Price("\(1000 + i).\(["50", "25", "75", "05"][i % 4])")!, algoID: "VEGA-INTEROP")
                orders.append(o)
                do {
                    _ = try await broker.place(o)
                } catch {
                    try await fail("order \(o.tag) was not placed: \(error)")
                }
            }

            /// Per order: filled in full at its limit price after an acknowledgement; anything else is a problem.
            func check() -> (filled: Int, problems: [String]) {
                let events = received.withLockedValue { $0 }
                var filled = 0
                var problems: [String] = []
                for o in orders {
                    let mine = events.filter { $0.tag == o.tag }
                    var acked = false
                    var qty: Int64 = 0
                    for e in mine {
                        switch e {
                        case .acknowledged: acked = true
                        case .fill(_, let tradeID, let q, let px, _):
                            if !acked { problems.append("\(o.tag): fill \(tradeID) before acknowledged") }
                            if px != o.limitPrice { problems.append("\(o.tag): fill at \(px), limit \(o.limitPrice!)") }
                            if tradeID.isEmpty { problems.append("\(o.tag): fill without the venue's ExecID") }
                            qty += q.value
                        default: problems.append("\(o.tag): unexpected event \(e)")
                        }
                    }
                    if qty > o.quantity.value { problems.append("\(o.tag): filled \(qty) of \(o.quantity)") }
                    if qty == o.quantity.value { filled += 1 }
                }
                return (filled, problems)
            }

            while true {
                let (filled, problems) = check()
                if !problems.isEmpty {
                    InteropOutput.line("placed \(orders.count) orders, \(filled) filled")
                    try await fail(problems.prefix(5).joined(separator: "; "))
                }
                if filled == count { break }
                if ContinuousClock.now >= deadline {
                    InteropOutput.line("placed \(orders.count) orders, \(filled) filled")
                    try await fail("timed out after \(timeout)s: \(filled) of \(count) orders filled")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let positions = try await broker.positions()
            InteropOutput.line("placed \(orders.count) orders, \(count) filled; \(positions.count) net positions booked")
            await broker.shutdown()
            collector.cancel()
        }
    }
}
