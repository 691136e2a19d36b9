import Dispatch
import GRDB

/// Copies the write-ahead log back into the database file from a connection of its own, so that the writer
/// (the FIX store's group commit) never stops to checkpoint. Open the database with
/// `VegaDatabase.open(..., backgroundCheckpoints: true)` (which turns SQLite's automatic checkpoint off) and
/// run `run(every:)` for as long as the database is written.
///
/// PASSIVE checkpoints never wait for or block the writer or readers; once a checkpoint has copied every
/// frame, the writer's next commit starts the log from its beginning again, so the file stays small.
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    /// Checkpoints run here, off the cooperative pool (a checkpoint writes and syncs the database file).
    private let queue = DispatchQueue(label: "vega.checkpointer")

    public init(path: String) throws {
        var config = Configuration()
        config.label = "vega.checkpointer"
        config.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    /// One checkpoint: frames in the log, and frames copied into the database. PASSIVE by default;
    /// `truncate`: waits for the writer and readers, copies everything and empties the log file (at start,
    /// so that serving does not begin with a log full of the seeded data to copy).
    @discardableResult
    public func checkpoint(truncate: Bool = false) async throws -> (logFrames: Int, checkpointed: Int) {
        // GRDB's async access is not used: it is interrupted when the task is cancelled, and the last
        // checkpoint at shutdown runs in a cancelled task.
        try await withCheckedThrowingContinuation { c in
            queue.async {
                c.resume(with: Result {
                    try self.connection.writeWithoutTransaction { db in
                        let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(\(truncate ? "TRUNCATE" : "PASSIVE"))")
                        return (row?[1] ?? 0, row?[2] ?? 0)
                    }
                })
            }
        }
    }

    /// Checkpoints every `interval` until cancelled, calling `then` after each (the store's writer finishes
    /// the job: `GRDBFIXMessageStore.requestWALReset`); a last one at the end.
    public func run(every interval: Duration = .milliseconds(100), then: @escaping @Sendable () -> Void = {}) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            _ = try? await checkpoint()
            then()
        }
        _ = try? await checkpoint()
    }
}
