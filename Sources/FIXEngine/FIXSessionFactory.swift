import FIXProtocol
import FIXSession

/// Builds the sessions of a settings file: each DataDictionary is loaded once and shared, and each session
/// logs to a `FIXFileLog` in its FileLogPath, else in `defaultLogDirectory`, else to `fallbackLog`.
public enum FIXSessionFactory {
    /// - Throws: `FIXDataDictionaryError` naming a dictionary file that cannot be loaded, or a store error.
    public static func makeSessions(_ settings: [FIXSessionSettings], store: FIXMessageStore, application: FIXApplication,
                                    clock: WallClock, defaultLogDirectory: String?,
                                    fallbackLog: FIXSessionLog) throws -> [FIXSession] {
        var dictionaries: [String: FIXDataDictionary] = [:]
        var logs: [String: FIXFileLog] = [:]
        var sessions: [FIXSession] = []
        for s in settings {
            var dictionary: FIXDataDictionary? = nil
            if s.useDataDictionary, let path = s.dataDictionaryPath {
                if dictionaries[path] == nil { dictionaries[path] = try FIXDataDictionary.load(path: path) }
                dictionary = dictionaries[path]
            }
            var log = fallbackLog
            if let dir = s.fileLogPath ?? defaultLogDirectory {
                if logs[dir] == nil { logs[dir] = try FIXFileLog(directory: dir, clock: clock) }
                log = logs[dir]!
            }
            sessions.append(try FIXSession(settings: s, store: store, application: application, dictionary: dictionary,
                                           clock: clock, log: log))
        }
        return sessions
    }
}
