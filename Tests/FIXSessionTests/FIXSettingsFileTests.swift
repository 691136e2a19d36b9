import FIXProtocol
import FIXSession
import Foundation
import Testing

struct FIXSettingsFileTests {
    static let good = """
        # comment
        [DEFAULT]
        ConnectionType=acceptor
        SocketAcceptPort=9878
        HeartBtInt=30
        StartTime=09:00:00
        EndTime=15:30:00
        TimeZone=Asia/Kolkata
        Weekdays=Mon,Tue,Wed,Thu,Fri

        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=VEGA
        TargetCompID=CLIENT1
        ResetOnLogon=Y
        ValidateUserDefinedFields=N
        MaxLatency=30
        MaxQueuedMessages=5000
        AllowedRemoteAddresses=127.0.0.1, 10.0.0.5

        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=VEGA
        TargetCompID=VENUE
        ConnectionType=initiator
        SocketConnectHost=127.0.0.1
        SocketConnectPort=9880
        NonStopSession=Y
        """

    @Test func parsesDefaultsAndSessions() throws {
        let f = try FIXSettingsFile.parse(Self.good, path: "vega.cfg")
        #expect(f.sessions.count == 2)
        let a = f.sessions[0]
        #expect(a.id == FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "CLIENT1"))
        #expect(a.connectionType == .acceptor && a.socketAcceptPort == 9878 && a.resetOnLogon)
        #expect(!a.validation.validateUserDefinedFields && a.maxLatency == 30)
        #expect(a.allowedRemoteAddresses == ["127.0.0.1", "10.0.0.5"])
        #expect(a.maxQueuedMessages == 5000 && f.sessions[1].maxQueuedMessages == 100_000)
        #expect(a.schedule.startSeconds == 9 * 3600 && a.schedule.weekdays.count == 5)
        let i = f.sessions[1]
        #expect(i.connectionType == .initiator && i.socketConnectPort == 9880 && i.schedule.nonStop)
    }

    @Test(arguments: [
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nPassword=demo\n", 7, "Password"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=abc\n", 6, "SocketAcceptPort"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nConnectionType=acceptor\nSocketAcceptPort=1\n", 1, "TargetCompID"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=both\nSocketAcceptPort=1\n", 5, "ConnectionType"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nResetOnLogon=perhaps\n", 7, "ResetOnLogon"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nStartTime=25:00:00\nEndTime=10:00:00\n", 7, "StartTime"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nStartTime=09:00:00\nEndTime=10:00:00\nTimeZone=Mars/Olympus\n", 9, "TimeZone"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nUsername=x\nPasswordHash=demo\n", 8, "PasswordHash"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=initiator\nSocketConnectHost=h\nHeartBtInt=30\n", 1, "SocketConnectPort"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nMaxQueuedMessages=0\n", 7, "MaxQueuedMessages"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nDropCopy=Y\nDropCopyClients= , \n", 8, "DropCopyClients"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nDropCopyClients=CLIENT1\n", 7, "DropCopyClients"),
    ])
    func badSettingsNameFileLineAndKey(text: String, line: Int, key: String) {
        do {
            _ = try FIXSettingsFile.parse(text, path: "bad.cfg")
            Issue.record("accepted a bad settings file")
        } catch let e as FIXSettingsError {
            #expect(e.file == "bad.cfg")
            #expect(e.line == line)
            #expect(e.key == key)
            #expect(e.description.hasPrefix("bad.cfg:\(line): \(key): "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func lineOutsideASectionAndMalformedLinesAreRefused() {
        #expect(throws: FIXSettingsError.self) { try FIXSettingsFile.parse("BeginString=FIX.4.4\n") }
        #expect(throws: FIXSettingsError.self) { try FIXSettingsFile.parse("[SESSION]\njust words\n") }
        #expect(throws: FIXSettingsError.self) { try FIXSettingsFile.parse("[SESION]\n") }
    }

    @Test func shippedSettingsFilesLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["vega.cfg", "conformance.cfg"] {
            let f = try FIXSettingsFile.load(path: root.appendingPathComponent("sessions/\(name)").path)
            #expect(!f.sessions.isEmpty)
        }
        let vega = try FIXSettingsFile.load(path: root.appendingPathComponent("sessions/vega.cfg").path)
        let client = try #require(vega.sessions.first { $0.id.targetCompID == "CLIENT1" })
        #expect(client.username == "CLIENT1")
        #expect(FIXPasswordHash(encoded: client.passwordHash ?? "")?.verify("demo") == true)
        #expect(vega.sessions.contains { $0.dropCopy })
    }
}

struct FIXSessionScheduleTests {
    let ist = TimeZone(identifier: "Asia/Kolkata")!

    func at(_ y: Int64, _ m: Int, _ d: Int, _ h: Int, _ mi: Int) -> FIXTimestamp {
        FIXTimestamp(secondsSince1970: FIXTimestamp.days(fromCivil: y, m, d) * 86_400 + Int64(h * 3600 + mi * 60))
    }

    @Test func dailyWindowInIST() {
        let s = FIXSessionSchedule(startSeconds: 9 * 3600, endSeconds: 15 * 3600 + 1800, timeZone: ist)
        #expect(!s.isSessionTime(at(2026, 9, 8, 3, 29)))  // 08:59 IST
        #expect(s.isSessionTime(at(2026, 9, 8, 3, 30)))   // 09:00 IST
        #expect(s.isSessionTime(at(2026, 9, 8, 10, 0)))   // 15:30 IST
        #expect(!s.isSessionTime(at(2026, 9, 8, 10, 1)))
        #expect(s.isSameSession(at(2026, 9, 8, 4, 0), at(2026, 9, 8, 9, 0)))
        #expect(!s.isSameSession(at(2026, 9, 8, 4, 0), at(2026, 9, 9, 4, 0)))
    }

    @Test func weekdaysExcludeTheWeekend() {
        let s = FIXSessionSchedule(startSeconds: 9 * 3600, endSeconds: 16 * 3600, timeZone: ist, weekdays: [2, 3, 4, 5, 6])
        #expect(s.isSessionTime(at(2026, 9, 11, 5, 0)))   // Friday
        #expect(!s.isSessionTime(at(2026, 9, 12, 5, 0)))  // Saturday
    }

    @Test func overnightAndWeeklyWindows() {
        let night = FIXSessionSchedule(startSeconds: 18 * 3600, endSeconds: 6 * 3600, timeZone: TimeZone(identifier: "UTC")!)
        #expect(night.isSessionTime(at(2026, 9, 8, 23, 0)))
        #expect(night.isSessionTime(at(2026, 9, 9, 5, 0)))
        #expect(night.isSameSession(at(2026, 9, 8, 23, 0), at(2026, 9, 9, 5, 0)))
        #expect(!night.isSessionTime(at(2026, 9, 9, 12, 0)))
        // Sunday 18:00 to Friday 17:00 UTC.
        let week = FIXSessionSchedule(startSeconds: 18 * 3600, endSeconds: 17 * 3600, timeZone: TimeZone(identifier: "UTC")!,
                                      startDay: 1, endDay: 6)
        #expect(week.isSessionTime(at(2026, 9, 9, 12, 0)))   // Wednesday
        #expect(!week.isSessionTime(at(2026, 9, 12, 12, 0))) // Saturday
        #expect(week.isSameSession(at(2026, 9, 7, 1, 0), at(2026, 9, 10, 1, 0)))
    }
}

struct FIXPasswordHashTests {
    @Test func verifiesOnlyTheRightPassword() throws {
        let h = FIXPasswordHash.make(password: "demo", iterations: 1000)
        let parsed = try #require(FIXPasswordHash(encoded: h.encoded))
        #expect(parsed.verify("demo"))
        #expect(!parsed.verify("Demo"))
        #expect(!parsed.verify(""))
        #expect(!h.encoded.contains("demo"))
    }

    @Test func saltsDiffer() {
        #expect(FIXPasswordHash.make(password: "x1234", iterations: 1000).encoded != FIXPasswordHash.make(password: "x1234", iterations: 1000).encoded)
    }

    @Test(arguments: ["demo", "sha256$1$aa$bb", "pbkdf2-sha256$0$00112233445566778899$00", "pbkdf2-sha256$10$zz$00"])
    func malformedHashesAreRefused(text: String) {
        #expect(FIXPasswordHash(encoded: text) == nil)
    }
}
