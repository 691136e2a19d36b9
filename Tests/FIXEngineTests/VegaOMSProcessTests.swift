import FIXProtocol
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOConcurrencyHelpers
import OMSTestSupport
import Testing

/// Runs the real `vega-oms` executable (built by `swift test`) as a child process.
final class VegaOMSProcess {
    let process = Process()
    let output = Pipe()
    let errors = Pipe()
    private(set) var port = 0
    private(set) var httpPort = 0

    static var executable: URL {
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vega-oms")
        if FileManager.default.isExecutableFile(atPath: sibling.path) { return sibling }
        return Files.root.appendingPathComponent(".build/debug/vega-oms")
    }

    init(arguments: [String]) {
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = Files.root
        process.standardOutput = output
        process.standardError = errors
    }

    /// Starts the server and waits for the banner line that names the FIX port.
    func start() throws {
        try process.run()
        // If no banner comes, stop the child so that the blocking read below returns.
        let started = NIOLockedValueBox(false)
        let child = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) {
            if child.isRunning, !started.withLockedValue({ $0 }) { child.terminate() }
        }
        defer { started.withLockedValue { $0 = true } }
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let r = text.range(of: #"FIX 4\.4 acceptor on port (\d+)"#, options: .regularExpression),
               let h = text.range(of: #"HTTP API on port (\d+)"#, options: .regularExpression) {
                port = Int(text[r].split(separator: " ").last!)!
                httpPort = Int(text[h].split(separator: " ").last!)!
                return
            }
        }
        throw ProcessError(message: "vega-oms printed no banner: \(text)")
    }

    /// Resident memory of the child process, in kB (Linux /proc).
    var residentKB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    func kill9() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() { process.terminate() }

    struct ProcessError: Error { let message: String }
}

@Suite(.serialized)
struct VegaOMSProcessTests {
    func logonCLIENT1(_ c: FIXTestClient, seq: Int) async throws -> FIXMessage? {
        try await c.send("8=FIX.4.4|35=A|34=\(seq)|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|553=CLIENT1|554=demo|")
        return await c.receive()
    }

    @Test func ordersAreRefusedAsNotYetSupportedAndStateSurvivesKill9() async throws {
        let dir = NSTemporaryDirectory() + "vega-\(UUID().uuidString)"
        let args = ["--fix-port", "0", "--http-port", "0", "--db", dir + "/vega_trade.db", "--log-dir", dir + "/log"]
        let first = VegaOMSProcess(arguments: args)
        try first.start()
        // A new database is seeded: the search API finds the demo instruments.
        let (body, response) = try await URLSession.shared.data(
            from: URL(string: "http://127.0.0.1:\(first.httpPort)/api/instruments/search?query=RELIANCE&limit=5")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("NSE_EQ|INE002A01018"))
        let c = try await FIXTestClient.connect(port: first.port)
        #expect(try await logonCLIENT1(c, seq: 1)?.msgType == "A")
        try await c.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|1=AB1234|11=C1-0001|21=1|38=10|40=2|44=1402.50|54=1|55=RELIANCE|60=<TIME>|5001=CNC|")
        let bmr = try #require(await c.receive())
        #expect(bmr.msgType == "j" && bmr.int(380) == 4 && bmr.string(379) == "C1-0001" && bmr.int(45) == 2)
        #expect(bmr.string(58)?.contains("not yet supported") == true)
        try await c.send("8=FIX.4.4|35=1|34=3|49=CLIENT1|52=<TIME>|56=VEGA|112=T1|")
        #expect(await c.receive()?.int(34) == 3)
        first.kill9()
        await c.close()

        let second = VegaOMSProcess(arguments: args)
        try second.start()
        defer { second.terminate() }
        let d = try await FIXTestClient.connect(port: second.port)
        let logon = try #require(try await logonCLIENT1(d, seq: 4))
        #expect(logon.int(34) == 4)   // sequence numbers came back after kill -9
        try await d.send("8=FIX.4.4|35=2|34=5|49=CLIENT1|52=<TIME>|56=VEGA|7=1|16=0|")
        var got: [String] = []
        for _ in 0..<3 { if let m = await d.receive() { got.append("\(m.msgType)@\(m.int(34) ?? 0)") } }
        #expect(got == ["4@1", "j@2", "4@3"])
        // SIGTERM: the client gets a Logout and the process exits cleanly.
        second.terminate()
        let bye = await d.receive(timeout: .seconds(10))
        #expect(bye?.msgType == "5")
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 0)
    }

    @Test func badSettingsFileStopsTheStartNamingFileLineAndKey() throws {
        let path = NSTemporaryDirectory() + "bad-\(UUID().uuidString).cfg"
        try "[SESSION]\nBeginString=FIX.4.4\nSenderCompID=VEGA\nTargetCompID=X\nConnectionType=acceptor\nSocketAcceptPort=9\nHeartBtInt=soon\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let p = VegaOMSProcess(arguments: ["--config", path, "--db", NSTemporaryDirectory() + "unused-\(UUID().uuidString).db"])
        try p.process.run()
        p.process.waitUntilExit()
        #expect(p.process.terminationStatus == 2)
        let err = String(decoding: p.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(err.contains("\(path):7: HeartBtInt:"))
    }

    @Test func badFlagsGiveAMessageAndNonZeroExit() throws {
        let p = VegaOMSProcess(arguments: ["--fix-port", "70000"])
        try p.process.run()
        p.process.waitUntilExit()
        #expect(p.process.terminationStatus != 0)
        let err = String(decoding: p.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(err.contains("--fix-port"))
    }

    @Test func tenMegabyteMessagesAreRefusedWithoutGrowingTheServer() async throws {
        let dir = NSTemporaryDirectory() + "vega-\(UUID().uuidString)"
        let server = VegaOMSProcess(arguments: ["--fix-port", "0", "--http-port", "0", "--db", dir + "/vega_trade.db",
                                                "--log-dir", dir + "/log"])
        try server.start()
        defer { server.terminate() }
        let before = try #require(server.residentKB)
        let big = String(repeating: "X", count: 10 << 20)
        for round in 1...3 {
            let c = try await FIXTestClient.connect(port: server.port)
            #expect(try await logonCLIENT1(c, seq: round == 1 ? 1 : 2 * round - 1)?.msgType == "A")
            try? await c.send("8=FIX.4.4|35=D|34=\(2 * round)|49=CLIENT1|52=<TIME>|56=VEGA|11=C\(round)|21=1|40=1|54=1|55=INFY|58=\(big)|60=<TIME>|")
            #expect(await c.waitClosed(timeout: .seconds(15)))
            await c.close()
        }
        let after = try #require(server.residentKB)
        // 30 MB went in; the server kept none of it (MaxMessageSize is 64 KB in sessions/vega.cfg).
        #expect(after - before < 8_192, "resident memory grew from \(before) kB to \(after) kB")
    }
}
