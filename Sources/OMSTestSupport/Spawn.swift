import Foundation
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Starts child processes from the test process without handing them its sockets.
///
/// Foundation's `Process` lets a child inherit every descriptor not marked close-on-exec, and SwiftNIO accepts
/// connections without that flag. The tests run in one process, in parallel: a `vega-oms` or `trader-cli` started
/// by one test inherited the server side of another test's connections, so the server's close sent no FIN while
/// the child lived (`thousandConnectionsAtOnce` saw 999 of 1,000 connections closed). Every descriptor above
/// standard error is marked close-on-exec just before the child starts.
///
/// Starts are serialised: Foundation hands each child one end of a socket pair it watches for the child's exit,
/// and marking that end close-on-exec while another start is half done made Foundation wait (blocking) for a
/// child that was still running — every later `waitUntilExit` then hung. Every child the tests start goes
/// through here.
public enum Spawn {
    private static let lock = NIOLock()

    public static func run(_ process: Process) throws {
        try lock.withLock {
            markDescriptorsCloseOnExec()
            try process.run()
        }
    }

    static func markDescriptorsCloseOnExec() {
        #if os(Linux)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let fd = Int32(name), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
        #endif
    }
}
