import Foundation

/// Runs an executable to completion and captures what it printed, for tests of the real binaries.
public struct ChildProcess: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Runs it to completion on a thread of its own (see `OffPool`).
    /// - Parameter environment: variables added to this process's environment.
    public static func run(_ executable: URL, _ arguments: [String], cwd: URL? = nil,
                           environment: [String: String] = [:]) async throws -> ChildProcess {
        try await OffPool.run { try runBlocking(executable, arguments, cwd: cwd, environment: environment) }
    }

    public static func runBlocking(_ executable: URL, _ arguments: [String], cwd: URL? = nil,
                                   environment: [String: String] = [:]) throws -> ChildProcess {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = cwd }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try Spawn.run(p)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ChildProcess(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                            stderr: String(decoding: e, as: UTF8.self))
    }
}
