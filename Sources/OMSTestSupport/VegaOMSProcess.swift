import Foundation
import NIOConcurrencyHelpers

/// Runs the real `vega-oms` executable (built by `swift test`) as a child process.
public final class VegaOMSProcess: @unchecked Sendable {
    // @unchecked: used by one test at a time; `start` hands it to a thread of its own and waits for it.
    public let process = Process()
    public let output = Pipe()
    public let errors = Pipe()
    public private(set) var port = 0
    public private(set) var httpPort = 0
    /// What the server printed up to its banner.
    public private(set) var banner = ""

    /// The package root (the server runs there, so that `sessions/` and `seeds/` are found).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static var executable: URL {
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vega-oms")
        if FileManager.default.isExecutableFile(atPath: sibling.path) { return sibling }
        return root.appendingPathComponent(".build/debug/vega-oms")
    }

    /// Arguments for a server on any free ports with its database and logs in `dir`, then `extra`.
    public static func arguments(in dir: String, _ extra: [String] = []) -> [String] {
        ["--fix-port", "0", "--http-port", "0", "--db", dir + "/vega_trade.db", "--log-dir", dir + "/log"] + extra
    }

    /// - Parameter environment: variables added to this process's environment (broker credentials).
    public init(arguments: [String], environment: [String: String] = [:]) {
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = output
        process.standardError = errors
    }

    /// Starts the server and waits (on a thread of its own, see `OffPool`) for the banner line that names the
    /// FIX port.
    public func start() async throws {
        try await OffPool.run { try self.startBlocking() }
    }

    /// What `waitForError` read of standard error so far.
    private var errorText = ""

    /// Waits for the process to end, and returns what it wrote on standard error.
    public func exit() async throws -> String {
        try await OffPool.run {
            self.process.waitUntilExit()
            return self.errorText + String(decoding: self.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
    }

    /// Reads standard error until it holds `text` (true) or the process closes it (false). Everything read
    /// stays part of what `exit()` returns.
    public func waitForError(containing text: String) async throws -> Bool {
        try await OffPool.run {
            while !self.errorText.contains(text) {
                let chunk = self.errors.fileHandleForReading.availableData
                if chunk.isEmpty { return false }
                self.errorText += String(decoding: chunk, as: UTF8.self)
            }
            return true
        }
    }

    /// What standard error held when `waitForError` last returned.
    public var errorsSoFar: String { errorText }

    func startBlocking() throws {
        try Spawn.run(process)
        // If no banner comes, stop the child so that the blocking read below returns.
        let started = NIOLockedValueBox(false)
        let child = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) {
            if child.isRunning, !started.withLockedValue({ $0 }) { child.terminate() }
        }
        defer { started.withLockedValue { $0 = true } }
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let r = text.range(of: #"FIX 4\.4 acceptor on port (\d+)"#, options: .regularExpression),
               let h = text.range(of: #"HTTP API on port (\d+)"#, options: .regularExpression) {
                port = Int(text[r].split(separator: " ").last!)!
                httpPort = Int(text[h].split(separator: " ").last!)!
                banner = text
                return
            }
        }
        throw ProcessError(message: "vega-oms printed no banner: \(text)")
    }

    /// Resident memory of the child process, in kB (Linux /proc).
    public var residentKB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }

    public func kill9() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = try? await OffPool.run { self.process.waitUntilExit() }
    }

    public func terminate() { process.terminate() }

    public struct ProcessError: Error {
        public let message: String
        public init(message: String) { self.message = message }
    }
}
