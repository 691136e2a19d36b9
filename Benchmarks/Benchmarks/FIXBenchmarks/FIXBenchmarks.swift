import Benchmark
import FIXProtocol
import FIXSession
import Foundation
import NIOCore
import VegaPersistence

// Each benchmark runs `benchmark.scaledIterations` (1,000) messages per iteration with `.kilo` scaling,
// so `throughput` reads as messages per second and the time metrics as time per message.

/// specs/FIX44.xml of the root package, found from this file's location (or $VEGA_FIX_DICTIONARY).
private func dictionaryPath() -> String {
    if let p = ProcessInfo.processInfo.environment["VEGA_FIX_DICTIONARY"], !p.isEmpty { return p }
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // FIXBenchmarks
        .deletingLastPathComponent()  // Benchmarks (sources)
        .deletingLastPathComponent()  // Benchmarks (package)
        .deletingLastPathComponent()  // repository root
        .appendingPathComponent("specs/FIX44.xml").path
}

private let sessionID = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA-OMS", targetCompID: "NSE-GW")

/// A fixed instant in trading hours, 2025-01-15 09:15:00.123 UTC.
private let tradingTime = FIXTimestamp(secondsSince1970: 1_736_932_500, nanoseconds: 123_000_000)

/// Fills the header as `FIXSession.sendRaw` does: 49, 56, 34, 52.
private func setSessionHeader(_ m: inout FIXOutboundMessage, seq: Int, now: FIXTimestamp) {
    m.setHeader(FIXTag.senderCompID, sessionID.senderCompID)
    m.setHeader(FIXTag.targetCompID, sessionID.targetCompID)
    m.setHeader(FIXTag.msgSeqNum, seq)
    m.setHeader(FIXTag.sendingTime, now.formatted(milliseconds: true))
}

/// A typical inbound NewOrderSingle from a client: limit buy, day order, custom ProductType 5001=CNC.
private func newOrderSingle(seq: Int) -> [UInt8] {
    var m = FIXOutboundMessage(msgType: "D")
    m.append(FIXTag.account, "ACC-004217")
    m.append(FIXTag.clOrdID, "20250115-ORD-\(100_000 + seq)")
    m.append(21, "1")  // HandlInst: automated, private
    m.append(FIXTag.orderQty, 250)
    m.append(FIXTag.ordType, "2")  // Limit
    m.append(FIXTag.price, "2456.35")
    m.append(FIXTag.side, "1")  // Buy
    m.append(FIXTag.symbol, "RELIANCE")
    m.append(FIXTag.timeInForce, "0")  // Day
    m.append(FIXTag.transactTime, tradingTime.adding(nanoseconds: Int64(seq) * 1_000_000))
    m.append(5001, "CNC")
    setSessionHeader(&m, seq: seq, now: tradingTime.adding(nanoseconds: Int64(seq) * 1_000_000))
    return m.encode(beginString: sessionID.beginString)
}

/// A typical outbound ExecutionReport (partial fill): 21 body fields, header filled as the session does.
private func executionReport(seq: Int, now: FIXTimestamp) -> FIXOutboundMessage {
    var m = FIXOutboundMessage(msgType: "8")
    m.append(FIXTag.account, "ACC-004217")
    m.append(FIXTag.avgPx, "2456.30")
    m.append(FIXTag.clOrdID, "20250115-ORD-100042")
    m.append(FIXTag.cumQty, 150)
    m.append(FIXTag.execID, "EXE-\(seq)")
    m.append(FIXTag.lastPx, "2456.30")
    m.append(FIXTag.lastQty, 100)
    m.append(FIXTag.orderID, "1100000000123456")
    m.append(FIXTag.orderQty, 250)
    m.append(FIXTag.ordStatus, "1")  // Partially filled
    m.append(FIXTag.ordType, "2")
    m.append(FIXTag.price, "2456.35")
    m.append(FIXTag.side, "1")
    m.append(FIXTag.symbol, "RELIANCE")
    m.append(FIXTag.timeInForce, "0")
    m.append(FIXTag.transactTime, now)
    m.append(FIXTag.execType, "F")  // Trade
    m.append(FIXTag.leavesQty, 100)
    m.append(207, "NSE")  // SecurityExchange
    m.append(FIXTag.text, "Partial fill")
    m.append(5001, "CNC")
    setSessionHeader(&m, seq: seq, now: now)
    return m
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal],
        warmupIterations: 5,
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 100_000
    )

    let dictionary: FIXDataDictionary
    do {
        dictionary = try FIXDataDictionary.load(path: dictionaryPath())
    } catch {
        fatalError("cannot load the data dictionary: \(error)")
    }

    // 1. Decode + validate -------------------------------------------------------------------------------------
    let nos = newOrderSingle(seq: 4217)
    let validator = FIXValidator(dictionary: dictionary)
    do {
        // The frame must be valid, or the benchmark would measure the error path.
        try validator.validate(try FIXMessageParser.parse(nos, dictionary: dictionary))
    } catch {
        fatalError("NewOrderSingle does not validate: \(error) in \(String(decoding: nos.map { $0 == 1 ? 124 : $0 }, as: UTF8.self))")
    }

    Benchmark("Decode+validate NewOrderSingle") { benchmark in
        for _ in benchmark.scaledIterations {
            do {
                let msg = try FIXMessageParser.parse(nos, dictionary: dictionary)
                try validator.validate(msg)
                blackHole(msg)
            } catch {
                benchmark.error("\(error)")
                return
            }
        }
    }

    // Parsing alone, to split the figure above.
    Benchmark("Decode NewOrderSingle (parse only)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? FIXMessageParser.parse(nos, dictionary: dictionary))
        }
    }

    // 2. Encode ------------------------------------------------------------------------------------------------
    do {
        let check = executionReport(seq: 1, now: tradingTime).encode(beginString: sessionID.beginString)
        try validator.validate(try FIXMessageParser.parse(check, dictionary: dictionary))
    } catch {
        fatalError("ExecutionReport does not validate: \(error)")
    }

    Benchmark("Encode ExecutionReport") { benchmark in
        var seq = 1
        for _ in benchmark.scaledIterations {
            let m = executionReport(seq: seq, now: tradingTime.adding(nanoseconds: Int64(seq) * 1_000))
            blackHole(m.encode(beginString: sessionID.beginString))
            seq += 1
        }
    }

    // 3. Framing -----------------------------------------------------------------------------------------------
    // 1,000 distinct NewOrderSingles back to back, as they would sit in a socket read buffer.
    var stream = ByteBufferAllocator().buffer(capacity: 1_000 * 256)
    for seq in 1...1_000 { stream.writeBytes(newOrderSingle(seq: seq)) }
    let framedStream = stream

    Benchmark("Framing") { benchmark in
        var buffer = framedStream  // copy-on-write: only the reader index moves
        var frames = 0
        while let frame = FIXFrameDecoder.nextFrame(&buffer, maxMessageSize: 1 << 20) {
            if case .message(let bytes) = frame { frames += 1; blackHole(bytes) }
        }
        if frames != benchmark.scaledIterations.count {
            benchmark.error("framed \(frames) messages, expected \(benchmark.scaledIterations.count)")
        }
    }

    // 4. SQLite store, group commit ---------------------------------------------------------------------------
    final class StoreFixture: @unchecked Sendable {
        var directory: URL?
        var store: GRDBFIXMessageStore?
        var nextSeq = 1
        let message: [UInt8]
        init() {
            var m = FIXOutboundMessage(msgType: "8")
            m.append(FIXTag.avgPx, "2456.30")
            m.append(FIXTag.clOrdID, "20250115-ORD-100042")
            m.append(FIXTag.cumQty, 150)
            m.append(FIXTag.execID, "EXE-100042-3")
            m.append(FIXTag.orderID, "1100000000123456")
            m.append(FIXTag.ordStatus, "1")
            m.append(FIXTag.side, "1")
            m.append(FIXTag.symbol, "RELIANCE")
            m.append(FIXTag.transactTime, tradingTime)
            m.append(FIXTag.execType, "F")
            m.append(FIXTag.leavesQty, 100)
            m.append(5001, "CNC")
            setSessionHeader(&m, seq: 1, now: tradingTime)
            message = m.encode(beginString: sessionID.beginString)
        }
    }
    let fixture = StoreFixture()

    Benchmark(
        "SQLite store append (group commit)",
        configuration: .init(maxDuration: .seconds(10), maxIterations: 2_000),
        closure: { benchmark in
            guard let store = fixture.store else { benchmark.error("store not opened"); return }
            // What FIXSession.sendRaw enqueues for every application message it sends.
            for _ in benchmark.scaledIterations {
                let seq = fixture.nextSeq
                fixture.nextSeq += 1
                store.enqueue(sessionID, [.storeSent(seqNum: seq, bytes: fixture.message), .setNextSender(seq + 1)])
            }
            try await store.flush()
        },
        setup: {
            let dir = FileManager.default.temporaryDirectory
                .appendingPathComponent("vega-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let pool = try VegaDatabase.open(path: dir.appendingPathComponent("vega_trade.db").path, durability: .full)
            let store = GRDBFIXMessageStore(writer: pool)
            _ = try store.open(sessionID, now: tradingTime)
            fixture.directory = dir
            fixture.store = store
            fixture.nextSeq = 1
        },
        teardown: {
            fixture.store = nil
            if let dir = fixture.directory { try? FileManager.default.removeItem(at: dir) }
            fixture.directory = nil
        }
    )
}
