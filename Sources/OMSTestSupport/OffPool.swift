import Foundation

/// Runs blocking work (waiting for a child process, reading its pipes) on a thread of its own, so that it does
/// not hold one of the few cooperative threads of the test process — on 2 cores there are only two, and a
/// test that blocks them stalls every other test's sockets and timers.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            let t = Thread { c.resume(with: Result { try body() }) }
            t.start()
        }
    }
}
