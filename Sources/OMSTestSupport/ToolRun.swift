import Foundation

/// Runs one of the package's built executables, found next to the test bundle.
public enum ToolRun {
    public static func executable(_ name: String) -> URL {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = bundleDir
        // The runner may be inside the .xctest bundle (Contents/MacOS) on some platforms.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return bundleDir.appendingPathComponent(name)
    }

    public static func run(_ name: String, _ args: [String], cwd: URL? = nil,
                           environment: [String: String] = [:]) async throws -> ChildProcess {
        try await ChildProcess.run(executable(name), args, cwd: cwd, environment: environment)
    }
}
