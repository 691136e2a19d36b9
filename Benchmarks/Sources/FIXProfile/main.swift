// A plain loop over one hot path, for perf (the benchmark harness gets in the way of a profiler):
//   swift build -c release --scratch-path ../.build-bench --product FIXProfile
//   perf record -g ../.build-bench/release/FIXProfile decode 2000000
// Modes: decode (parse + validate), parse, encode (build + encode), build, encode-only.
import FIXProtocol
import FIXSession
import Foundation
import VegaPersistence

let args = CommandLine.arguments
let mode = args.count > 1 ? args[1] : "decode"
let count = args.count > 2 ? Int(args[2]) ?? 1_000_000 : 1_000_000
let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("specs/FIX44.xml").path
let dictionary = try FIXDataDictionary.load(path: ProcessInfo.processInfo.environment["VEGA_FIX_DICTIONARY"] ?? specs)
let now = FIXTimestamp(secondsSince1970: 1_736_932_500, nanoseconds: 123_000_000)

func header(_ m: inout FIXOutboundMessage, _ seq: Int) {
    m.setHeader(FIXTag.senderCompID, "VEGA-OMS")
    m.setHeader(FIXTag.targetCompID, "NSE-GW")
    m.setHeader(FIXTag.msgSeqNum, seq)
    m.setHeader(FIXTag.sendingTime, now.formatted(milliseconds: true))
}

func executionReport(_ seq: Int) -> FIXOutboundMessage {
    var m = FIXOutboundMessage(msgType: "8")
    m.append(FIXTag.account, "ACC-004217"); m.append(FIXTag.avgPx, "2456.30")
    m.append(FIXTag.clOrdID, "20250115-ORD-100042"); m.append(FIXTag.cumQty, 150)
    m.append(FIXTag.execID, "EXE-\(seq)"); m.append(FIXTag.lastPx, "2456.30"); m.append(FIXTag.lastQty, 100)
    m.append(FIXTag.orderID, "1100000000123456"); m.append(FIXTag.orderQty, 250); m.append(FIXTag.ordStatus, "1")
    m.append(FIXTag.ordType, "2"); m.append(FIXTag.price, "2456.35"); m.append(FIXTag.side, "1")
    m.append(FIXTag.symbol, "RELIANCE"); m.append(FIXTag.timeInForce, "0"); m.append(FIXTag.transactTime, now)
    m.append(FIXTag.execType, "F"); m.append(FIXTag.leavesQty, 100); m.append(207, "NSE")
    m.append(FIXTag.text, "Partial fill"); m.append(5001, "CNC")
    header(&m, seq)
    return m
}

var nos = FIXOutboundMessage(msgType: "D")
nos.append(FIXTag.account, "ACC-004217"); nos.append(FIXTag.clOrdID, "20250115-ORD-104217"); nos.append(21, "1")
nos.append(FIXTag.orderQty, 250); nos.append(FIXTag.ordType, "2"); nos.append(FIXTag.price, "2456.35")
nos.append(FIXTag.side, "1"); nos.append(FIXTag.symbol, "RELIANCE"); nos.append(FIXTag.timeInForce, "0")
nos.append(FIXTag.transactTime, now); nos.append(5001, "CNC")
header(&nos, 4217)
let frame = nos.encode(beginString: "FIX.4.4")
let validator = FIXValidator(dictionary: dictionary)

var sink = 0
let start = ContinuousClock.now
switch mode {
case "decode":
    for _ in 0..<count {
        let m = try FIXMessageParser.parse(frame, dictionary: dictionary)
        try validator.validate(m)
        sink &+= m.fields.count
    }
case "parse":
    for _ in 0..<count { sink &+= try FIXMessageParser.parse(frame, dictionary: dictionary).fields.count }
case "encode":
    for i in 0..<count { sink &+= executionReport(i).encode(beginString: "FIX.4.4").count }
case "build":
    for i in 0..<count { sink &+= executionReport(i).body.count }
case "encode-only":
    let m = executionReport(1)
    for _ in 0..<count { sink &+= m.encode(beginString: "FIX.4.4").count }
case "store", "store-normal":
    // `count` messages in flushes of 1,000, as the benchmark does.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vega-profile-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let pool = try VegaDatabase.open(path: dir.appendingPathComponent("vega_trade.db").path,
                                     durability: mode == "store" ? .full : .normal)
    let store = GRDBFIXMessageStore(writer: pool)
    let id = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA-OMS", targetCompID: "NSE-GW")
    _ = try store.open(id, now: now)
    let message = executionReport(1).encode(beginString: "FIX.4.4")
    var seq = 1
    for _ in 0..<(count / 1_000) {
        for _ in 0..<1_000 {
            store.enqueue(id, [.storeSent(seqNum: seq, bytes: message), .setNextSender(seq + 1)])
            seq += 1
        }
        try await store.flush()
    }
    sink = message.count
default:
    fatalError("mode: decode | parse | encode | build | encode-only | store | store-normal")
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("\(mode): \(count) in \(seconds) s = \(Int(Double(count) / seconds)) msg/s, \(Int(seconds * 1e9 / Double(count))) ns/msg (\(sink))")
