import FIXProtocol
import FIXSession
import NIOConcurrencyHelpers
import OMSPersistence
import OMSTestSupport
import Testing

struct FIXSessionTests {
    @Test func logonIsAnsweredWithEncryptMethodAndTheCounterpartysHeartBtInt() async throws {
        let h = try SessionHarness()
        #expect(await h.logon(heartBtInt: 6))
        let out = h.conn.drain()
        #expect(out.count == 1)
        #expect(out[0].msgType == "A")
        #expect(out[0].int(98) == 0)
        #expect(out[0].int(108) == 6)
        #expect(await h.session.isLoggedOn)
        #expect(await h.session.expectedTargetNum == 2)
        #expect(h.app.logons.withLockedValue { $0 } == 1)
    }

    @Test func wrongPasswordGetsLogoutAndLeavesSequenceNumbersAlone() async throws {
        let h = try SessionHarness { $0.username = "CLIENT1"; $0.passwordHash = TestFiles.demoHash }
        await h.session.setSequenceNumbers(nextSender: 7, nextTarget: 5)
        #expect(await h.logon(seq: 5, extra: "553=CLIENT1|554=wrong|"))
        let out = h.conn.drain()
        #expect(out.count == 1)
        #expect(out[0].msgType == "5")
        #expect(out[0].string(58) == "Logon rejected: invalid username or password")
        #expect(h.conn.isClosed)
        #expect(await h.session.expectedSenderNum == 7)
        #expect(await h.session.expectedTargetNum == 5)
        #expect(try h.store.open(h.session.id, now: h.clock.now()).nextSenderMsgSeqNum == 7)
        // The password never reaches the log.
        #expect(!h.log.lines.contains { $0.contains("wrong") })
        #expect(h.log.lines.contains { $0.contains("554=***") })
    }

    @Test func aNegativeHeartBtIntIsRefusedAndChangesNothing() async throws {
        let h = try SessionHarness()
        await h.session.setSequenceNumbers(nextSender: 7, nextTarget: 5)
        #expect(await h.logon(seq: 5, heartBtInt: -1, extra: "141=Y|"))
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["5"])
        #expect(out.first?.string(58) == "Logon rejected: HeartBtInt (108) must not be negative, got -1")
        #expect(h.conn.isClosed)
        #expect(!(await h.session.isLoggedOn))
        // Not even the ResetSeqNumFlag took effect.
        #expect(await h.session.expectedSenderNum == 7)
        #expect(await h.session.expectedTargetNum == 5)
    }

    @Test func rightPasswordLogsOn() async throws {
        let h = try SessionHarness { $0.username = "CLIENT1"; $0.passwordHash = TestFiles.demoHash }
        #expect(await h.logon(extra: "553=CLIENT1|554=demo|"))
        #expect(await h.session.isLoggedOn)
    }

    @Test func missingCredentialsAreRefused() async throws {
        let h = try SessionHarness { $0.username = "CLIENT1"; $0.passwordHash = TestFiles.demoHash }
        #expect(await h.logon())
        #expect(!(await h.session.isLoggedOn))
        #expect(h.conn.isClosed)
    }

    @Test func heartbeatAfterHeartBtIntOfSilenceFromUs() async throws {
        let h = try SessionHarness()
        _ = await h.logon(heartBtInt: 30)
        _ = h.conn.drain()
        await h.advance(29)
        #expect(h.conn.drain().isEmpty)
        // The peer keeps talking, we do not: a Heartbeat is due.
        await h.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        await h.advance(1.5)
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["0"])
    }

    @Test func testRequestAfterSilenceThenDisconnect() async throws {
        let h = try SessionHarness()
        _ = await h.logon(heartBtInt: 10)
        _ = h.conn.drain()
        await h.advance(10)   // heartbeat from us
        #expect(h.conn.drain().map(\.msgType) == ["0"])
        await h.advance(2.5)  // 12.5 s of silence from the peer: 1.2 x 10
        let tr = h.conn.drain()
        #expect(tr.map(\.msgType) == ["1"])
        #expect(tr.first?.string(112) == "TEST")
        await h.advance(5)    // 17.5 s: no Heartbeat while a TestRequest is outstanding
        #expect(h.conn.drain().isEmpty)
        #expect(!h.conn.isClosed)
        await h.advance(7)    // 24.5 s >= 2.4 x 10
        #expect(h.conn.isClosed)
        #expect(!(await h.session.isConnected))
    }

    @Test func gapIsRecoveredAndQueuedMessagesAreProcessedInOrder() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=D|34=4|49=CLIENT1|52=<TIME>|56=VEGA|11=C4|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        let rr = h.conn.drain()
        #expect(rr.map(\.msgType) == ["2"])
        #expect(rr[0].int(7) == 2 && rr[0].int(16) == 0)
        #expect(h.app.seqs.isEmpty)
        await h.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|43=Y|122=<TIME>|11=C2|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        await h.send("8=FIX.4.4|35=D|34=3|49=CLIENT1|52=<TIME>|56=VEGA|43=Y|122=<TIME>|11=C3|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        #expect(h.app.seqs == [2, 3, 4])
        #expect(await h.session.expectedTargetNum == 5)
    }

    /// A gap fill that moves the expected number past the end of the ResendRequest it answers settles that
    /// request: a later gap gets a ResendRequest of its own. (Found by fuzzing: with the old range left in place
    /// every later message was "too high" and queued, and no ResendRequest was ever sent again — the session
    /// was stuck for good.)
    @Test func aGapAfterAGapFillPastTheRequestedRangeGetsItsOwnResendRequest() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=D|34=4|49=CLIENT1|52=<TIME>|56=VEGA|11=C4|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        #expect(h.conn.drain().map { "\($0.msgType) \($0.int(7) ?? 0)" } == ["2 2"])
        // The counterparty fills 2… up to 10 (past the 2…3 asked for, message 4 included).
        await h.send("8=FIX.4.4|35=4|34=2|49=CLIENT1|52=<TIME>|56=VEGA|43=Y|122=<TIME>|123=Y|36=10|")
        #expect(await h.session.expectedTargetNum == 10)
        // 10 and 11 are lost on the way; 12 arrives: a new gap, a new ResendRequest from 10.
        await h.send("8=FIX.4.4|35=D|34=12|49=CLIENT1|52=<TIME>|56=VEGA|11=C12|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        #expect(h.conn.drain().map { "\($0.msgType) \($0.int(7) ?? 0)" } == ["2 10"])
        await h.send("8=FIX.4.4|35=4|34=10|49=CLIENT1|52=<TIME>|56=VEGA|43=Y|122=<TIME>|123=Y|36=12|")
        #expect(h.app.seqs == [12])
        #expect(await h.session.expectedTargetNum == 13)
    }

    /// A ResendRequest whose answer was lost (a garbled frame swallowed the gap fill after it) is sent again
    /// after a heartbeat interval while messages wait on it, instead of queueing every later message for ever.
    @Test func anUnansweredResendRequestIsSentAgainAfterAHeartbeatInterval() async throws {
        let h = try SessionHarness()
        _ = await h.logon(heartBtInt: 30)
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=D|34=4|49=CLIENT1|52=<TIME>|56=VEGA|11=C4|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        #expect(h.conn.drain().filter { $0.msgType == "2" }.map { $0.int(7) } == [2])
        await h.advance(10)
        await h.send("8=FIX.4.4|35=D|34=5|49=CLIENT1|52=<TIME>|56=VEGA|11=C5|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        await h.advance(19)
        #expect(h.conn.drain().filter { $0.msgType == "2" }.isEmpty, "one request per heartbeat interval")
        await h.advance(1.5)
        #expect(h.conn.drain().filter { $0.msgType == "2" }.map { $0.int(7) } == [2])
        #expect(h.log.lines.contains { $0.contains("ResendRequest FROM: 2 TO: 3 not answered in 30 s; sending another") })
        await h.send("8=FIX.4.4|35=4|34=2|49=CLIENT1|52=<TIME>|56=VEGA|43=Y|122=<TIME>|123=Y|36=4|")
        #expect(h.app.seqs == [4, 5])
        await h.advance(31)
        #expect(h.conn.drain().filter { $0.msgType == "2" }.isEmpty, "nothing waits any more")
    }

    /// Messages held for a gap that is never filled cannot fill memory: past `MaxQueuedMessages` the session
    /// logs out, naming the gap.
    @Test func tooManyMessagesWaitingForAGapLogOut() async throws {
        let h = try SessionHarness { $0.maxQueuedMessages = 3 }
        _ = await h.logon()
        _ = h.conn.drain()
        for seq in 4...6 {
            await h.send("8=FIX.4.4|35=D|34=\(seq)|49=CLIENT1|52=<TIME>|56=VEGA|11=C\(seq)|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        }
        #expect(h.conn.drain().map(\.msgType) == ["2"])
        #expect(!h.conn.isClosed)
        await h.send("8=FIX.4.4|35=D|34=7|49=CLIENT1|52=<TIME>|56=VEGA|11=C7|21=1|40=1|54=1|55=INFY|60=<TIME>|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["5"])
        #expect(out.first?.string(58) == "More than 3 messages wait for MsgSeqNum 2 (gap not filled)")
        #expect(h.conn.isClosed)
    }

    @Test func seqNumTooLowWithoutPossDupLogsOutAndDisconnects() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        await h.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["5"])
        #expect(out[0].string(58) == "MsgSeqNum too low, expecting 3 but received 2")
        #expect(h.conn.isClosed)
    }

    @Test func resendRequestReplaysApplicationMessagesAndGapFillsTheRest() async throws {
        let h = try SessionHarness()
        _ = await h.logon()                                   // our 1: Logon
        var er = FIXOutboundMessage(msgType: "8")
        er.append(37, "O-1")
        #expect(await h.session.send(er) == 2)                // our 2: app
        await h.advance(31)                                   // our 3: Heartbeat
        er = FIXOutboundMessage(msgType: "8")
        er.append(37, "O-2")
        #expect(await h.session.send(er) == 4)                // our 4: app
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=2|34=2|49=CLIENT1|52=<TIME>|56=VEGA|7=1|16=0|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["4", "8", "4", "8"])
        #expect(out.map { $0.seq } == [1, 2, 3, 4])
        #expect(out[0].int(36) == 2 && out[0].bool(123))
        #expect(out[1].bool(43) && out[1].has(122) && out[1].string(37) == "O-1")
        #expect(out[2].int(36) == 4)
        #expect(out[3].string(37) == "O-2")
        #expect(await h.session.expectedSenderNum == 5)
    }

    @Test func sequenceResetInResetModeMovesTheTargetForward() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        await h.send("8=FIX.4.4|35=4|34=99|49=CLIENT1|52=<TIME>|56=VEGA|36=50|")
        #expect(await h.session.expectedTargetNum == 50)
        // A NewSeqNo lower than expected is rejected (373=5).
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=4|34=50|49=CLIENT1|52=<TIME>|56=VEGA|36=10|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["3"])
        #expect(out.first?.int(373) == 5)
    }

    /// A NewSeqNo past any number a session reaches is refused (373=5 on tag 36) and changes nothing: taken,
    /// the next message's increment overflowed and crashed the process.
    @Test(arguments: ["9223372036854775807", "2147483648"])
    func aSequenceResetBeyondTheLargestNumberIsRejected(_ newSeqNo: String) async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=4|34=2|49=CLIENT1|52=<TIME>|56=VEGA|36=\(newSeqNo)|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["3"])
        #expect(out.first?.int(373) == 5 && out.first?.int(371) == 36)
        #expect(await h.session.expectedTargetNum == 2)
        await h.send("8=FIX.4.4|35=4|34=2|49=CLIENT1|52=<TIME>|56=VEGA|36=2147483647|")
        #expect(await h.session.expectedTargetNum == 2147483647)
        await h.send("8=FIX.4.4|35=0|34=2147483647|49=CLIENT1|52=<TIME>|56=VEGA|")
        #expect(await h.session.expectedTargetNum == 2147483648)
    }

    /// Sequence numbers start at 1: a ResendRequest from 0 or below (or to a negative end) is refused (373=5
    /// naming the field) rather than answered with a gap fill numbered 0 or below.
    @Test(arguments: [("7=0|16=0|", 7), ("7=-5|16=3|", 7), ("7=1|16=-1|", 16)])
    func aResendRequestOutsideTheNumbersIsRejected(_ range: String, _ tag: Int) async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=2|34=2|49=CLIENT1|52=<TIME>|56=VEGA|\(range)")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["3"])
        #expect(out.first?.int(373) == 5 && out.first?.int(371) == tag && out.first?.int(45) == 2)
        #expect(out.allSatisfy { ($0.seq ?? 0) >= 1 })
        #expect(await h.session.expectedTargetNum == 3)
    }

    /// An application message without TargetCompID gets a BusinessMessageReject before its number is checked:
    /// the expected number moves on only when it was the expected message (a later one leaves the gap to be
    /// asked for; a duplicate does not push the next message into "too low").
    @Test func aBusinessRejectBeforeTheSequenceCheckMovesOnOnlyForTheExpectedNumber() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=D|34=5|49=CLIENT1|52=<TIME>|11=C1|21=1|38=1|40=1|54=1|55=INFY|60=<TIME>|")
        #expect(h.conn.drain().map(\.msgType) == ["j"])
        #expect(await h.session.expectedTargetNum == 2)
        await h.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|11=C2|21=1|38=1|40=1|54=1|55=INFY|60=<TIME>|")
        #expect(h.conn.drain().map(\.msgType) == ["j"])
        #expect(await h.session.expectedTargetNum == 3)
    }

    @Test func resetSeqNumFlagResetsBothSides() async throws {
        let h = try SessionHarness()
        await h.session.setSequenceNumbers(nextSender: 40, nextTarget: 30)
        #expect(await h.logon(seq: 1, extra: "141=Y|"))
        let out = h.conn.drain()
        #expect(out.first?.seq == 1)
        #expect(out.first?.bool(141) == true)
        #expect(await h.session.expectedTargetNum == 2)
    }

    @Test func secondConnectionIsRefusedWithoutDisturbingTheFirst() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        let intruder = RecordingConnection()
        #expect(!(await h.session.attach(intruder)))
        #expect(await h.session.isLoggedOn)
        #expect(!h.conn.isClosed)
    }

    @Test func connectionFromAddressNotAllowedIsRefused() async throws {
        let h = try SessionHarness { $0.allowedRemoteAddresses = ["10.1.2.3"] }
        #expect(!(await h.logon()))
        let ok = try SessionHarness { $0.allowedRemoteAddresses = ["127.0.0.1"] }
        #expect(await ok.logon())
    }

    @Test func messagesSentWhileDisconnectedAreStoredAndResentOnRequest() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        await h.session.connectionClosed(h.conn)
        #expect(await h.session.send(SessionHarness.report("O-9")) == 2)
        let out = await h.reconnectAndAskForResend(logonSeq: 2, resendFrom: 2)
        // The stored report is resent; our Logon reply (3) is gap-filled.
        #expect(out.map(\.msgType) == ["A", "8", "4"])
        #expect(out[1].string(37) == "O-9" && out[1].bool(43))
        #expect(out[2].seq == 3 && out[2].int(36) == 4)
    }

    /// A damaged stored block costs a resend only its own messages: the others are resent, the damaged range
    /// gap-filled (before, the whole range after it was gap-filled, intact reports with it).
    @Test func aResendOverADamagedBlockGapFillsOnlyThatBlock() async throws {
        let db = try VegaDatabase.inMemory()
        let store = GRDBFIXMessageStore(writer: db)
        let h = try SessionHarness(store: store)
        _ = await h.logon()
        for n in 1...3 {   // three reports, each committed on its own (three blocks): 2, 3, 4
            let ticket = try #require(await h.session.send(SessionHarness.report("O-\(n)"), alongside: []))
            try await store.waitDurable(ticket)
        }
        try await db.write { try $0.execute(sql: "UPDATE fixMessage SET blockIndex = zeroblob(8) WHERE msgSeqNum = 3") }
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=2|34=2|49=CLIENT1|52=<TIME>|56=VEGA|7=2|16=4|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["8", "4", "8"])
        #expect(out[0].string(37) == "O-1" && out[0].seq == 2)
        #expect(out[1].seq == 3 && out[1].int(36) == 4)   // the damaged block's message: gap-filled
        #expect(out[2].string(37) == "O-3" && out[2].seq == 4)
        #expect(h.log.lines.contains { $0.contains("Cannot read stored messages for resend") && $0.contains("MsgSeqNum 3") })
    }

    @Test func logonOutsideTheSessionWindowIsRefused() async throws {
        // The harness clock starts at 2026-09-08 04:00 UTC = 09:30 IST; the window opens at 10:00 IST.
        let h = try SessionHarness {
            $0.schedule = FIXSessionSchedule(startSeconds: 10 * 3600, endSeconds: 15 * 3600 + 1800,
                                             timeZone: .init(identifier: "Asia/Kolkata")!)
        }
        #expect(await h.logon())
        #expect(!(await h.session.isLoggedOn))
        #expect(h.conn.isClosed)
    }

    @Test func newSessionWindowResetsSequenceNumbers() async throws {
        let h = try SessionHarness(configure: SessionHarness.dailyUTC)
        _ = await h.logon()
        await h.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        #expect(await h.session.expectedTargetNum == 3)
        await h.advance(23 * 3600)          // 03:00 next day: a new window, so we log out
        await h.advance(3)                  // LogoutTimeout passes: disconnected
        #expect(!(await h.session.isConnected))
        await h.advance(3600)
        #expect(await h.session.expectedTargetNum == 1)
        #expect(await h.session.expectedSenderNum == 1)
    }

    /// A message made for a session without a connection after its next window began is numbered in that window
    /// and resent at the next Logon: before, it was stored under the old window's numbers and the reset at that
    /// Logon dropped it (a drop copy lost the day's first reports).
    @Test func messagesForADisconnectedSessionInANewWindowSurviveTheNextLogon() async throws {
        let h = try SessionHarness(configure: SessionHarness.dailyUTC)
        _ = await h.logon()
        await h.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        await h.session.connectionClosed(h.conn)
        h.clock.advance(seconds: 24 * 3600)   // the next day's window; no timer has run
        #expect(await h.session.send(SessionHarness.report("O-NEXT-DAY")) == 1)
        let out = await h.reconnectAndAskForResend(logonSeq: 1, resendFrom: 1)
        #expect(out.map(\.msgType) == ["A", "8", "4"])
        #expect(out[1].string(37) == "O-NEXT-DAY" && out[1].seq == 1 && out[1].bool(43))
    }

    /// The timer of a session without a connection resets it when its window starts.
    @Test func aDisconnectedSessionIsResetWhenItsWindowStarts() async throws {
        let h = try SessionHarness(configure: SessionHarness.dailyUTC)
        _ = await h.logon()
        await h.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=<TIME>|56=VEGA|")
        await h.session.connectionClosed(h.conn)
        h.clock.advance(seconds: 12 * 3600)   // still the same window
        await h.session.tickDisconnected()
        #expect(await h.session.expectedTargetNum == 3)
        h.clock.advance(seconds: 12 * 3600)
        await h.session.tickDisconnected()
        #expect(await h.session.expectedTargetNum == 1)
        #expect(await h.session.expectedSenderNum == 1)
    }

    @Test func invalidFieldGetsSessionRejectAndSequenceMovesOn() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=D|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=C1|21=1|40=Z|54=1|55=INFY|60=<TIME>|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["3"])
        #expect(out[0].int(45) == 2 && out[0].int(371) == 40 && out[0].string(372) == "D" && out[0].int(373) == 5)
        #expect(await h.session.expectedTargetNum == 3)
        #expect(h.app.seqs.isEmpty)
    }

    /// A SendingTime centuries away (any year from 1677 to 2262 parses) is further from now than Int64
    /// nanoseconds reach: a SendingTime accuracy Reject and a Logout, not a crash.
    @Test(arguments: ["16770922-00:12:44", "17000101-00:00:00", "22620411-23:47:16"])
    func aSendingTimeCenturiesAwayIsRejectedWithoutACrash(_ sendingTime: String) async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=0|34=2|49=CLIENT1|52=\(sendingTime)|56=VEGA|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["3", "5"])
        #expect(out.first?.int(373) == 10)
    }

    @Test func unsupportedMessageTypeGetsBusinessMessageReject() async throws {
        let h = try SessionHarness()
        _ = await h.logon()
        _ = h.conn.drain()
        await h.send("8=FIX.4.4|35=H|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=C1|54=1|55=INFY|")
        let out = h.conn.drain()
        #expect(out.map(\.msgType) == ["j"])
        #expect(out[0].int(380) == 3 && out[0].string(58) == "Unsupported Message Type")
    }
}

/// Hands every application message on (`FIXApplicationResult.handedOn`) and keeps its token.
final class HandingOnApplication: FIXApplication {
    let tokens = NIOLockedValueBox<[FIXInboundToken]>([])
    func fromApp(_ message: FIXMessage, context: inout FIXSessionContext) -> FIXApplicationResult {
        tokens.withLockedValue { $0.append(context.inbound) }
        return .handedOn
    }
}

struct FIXSessionHandedOnTests {
    /// The stored next inbound number stays at the first message handed on and not yet confirmed, whatever is
    /// counted after it; a confirmation moves it on; one from before a sequence reset is ignored.
    @Test func theStoredInboundNumberWaitsForTheApplication() async throws {
        let store = InMemoryFIXMessageStore()
        let app = HandingOnApplication()
        let clock = ManualWallClock(FIXTimestamp(secondsSince1970: 1_788_840_000))
        let id = FIXSessionID(beginString: "FIX.4.4", senderCompID: "VEGA", targetCompID: "CLIENT1")
        let session = try FIXSession(settings: FIXSessionSettings(id: id), store: store, application: app,
                                     dictionary: TestFiles.dictionary, clock: clock, log: RecordingSessionLog())
        let c = RecordingConnection()
        #expect(await session.attach(c))
        func send(_ text: String) async { await session.received(.message(FIXTestMessage.raw(text, now: clock.now())), from: c) }
        func stored() throws -> Int { try store.open(id, now: clock.now()).nextTargetMsgSeqNum }
        await send("8=FIX.4.4|35=A|34=1|49=CLIENT1|52=<TIME>|56=VEGA|98=0|108=30|")
        #expect(try stored() == 2)
        await send("8=FIX.4.4|35=H|34=2|49=CLIENT1|52=<TIME>|56=VEGA|11=A|54=1|55=X|")
        await send("8=FIX.4.4|35=0|34=3|49=CLIENT1|52=<TIME>|56=VEGA|")
        await send("8=FIX.4.4|35=H|34=4|49=CLIENT1|52=<TIME>|56=VEGA|11=B|54=1|55=X|")
        #expect(try stored() == 2)
        let tokens = app.tokens.withLockedValue { $0 }
        #expect(tokens.map(\.sequence) == [2, 4])
        await session.processed(through: tokens[0])
        #expect(try stored() == 4)   // the heartbeat after it counts now; 4 is still with the application
        await session.processed(through: tokens[1])
        #expect(try stored() == 5)
        // Handed on, then the numbers are set back by hand: the old confirmation must not move the new ones.
        await send("8=FIX.4.4|35=H|34=5|49=CLIENT1|52=<TIME>|56=VEGA|11=C|54=1|55=X|")
        #expect(try stored() == 5)
        await session.setSequenceNumbers(nextSender: nil, nextTarget: 1)
        await session.processed(through: app.tokens.withLockedValue { $0 }[2])
        #expect(try stored() == 1)
    }
}
