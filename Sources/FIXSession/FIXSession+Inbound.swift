import FIXProtocol

extension FIXSession {
    /// Handles one frame from the connection.
    public func received(_ frame: FIXFrame, from c: FIXConnection) {
        guard connection === c else { return }
        switch frame {
        case .garbled(let reason):
            log.event(id, "Garbled data dropped: \(reason)")
        case .tooLarge(let size):
            log.event(id, "Message of \(size) bytes exceeds MaxMessageSize \(settings.maxMessageSize); disconnecting")
            disconnect()
        case .message(let bytes):
            log.incoming(id, bytes)
            let message: FIXMessage
            do {
                message = try FIXMessageParser.parse(bytes, dictionary: dictionary,
                                                     verifyLengthAndChecksum: settings.validateLengthAndChecksum)
            } catch {
                log.event(id, "Invalid message dropped: \(error.detail)")
                if FIXSession.looksLikeLogon(bytes) && !receivedLogon {
                    log.event(id, "Logon message is not valid")
                    disconnect()
                }
                return
            }
            next(message, queued: false)
        }
        if isLoggedOn { tick() }
    }

    static func looksLikeLogon(_ bytes: [UInt8]) -> Bool {
        let needle: [UInt8] = [1, 51, 53, 61, 65, 1]  // <SOH>35=A<SOH>
        guard bytes.count >= needle.count else { return false }
        for i in 0...(bytes.count - needle.count) where bytes[i] == 1 && Array(bytes[i..<(i + needle.count)]) == needle {
            return true
        }
        return false
    }

    /// QuickFIX `Session::next(const Message&)`.
    func next(_ m: FIXMessage, queued: Bool) {
        guard connection != nil else { return }
        let now = clock.now()
        if !settings.schedule.isSameSession(creationTime, now) || !settings.schedule.isSessionTime(now) {
            log.event(id, "Message received outside the session window")
            if isLoggedOn, !sentLogout { generateLogout(text: "Outside session time") }
            disconnect()
            checkSessionBoundary(now)
            return
        }
        if m.string(FIXTag.beginString) != id.beginString {
            if m.msgType == FIXMsgType.logout {
                nextLogout(m)
            } else {
                generateLogout(text: "Incorrect BeginString")
                incrNextTarget()
            }
            if !queued { nextQueued() }
            return
        }
        for tag in [FIXTag.senderCompID, FIXTag.targetCompID] where !m.has(tag) {
            if !receivedLogon { log.event(id, "Required field \(tag) missing"); disconnect(); return }
            if m.isAdmin {
                generateReject(m, .requiredTagMissing, tag: tag)
            } else {
                generateBusinessReject(m, .conditionallyRequiredFieldMissing, text: "Conditionally required field missing (\(tag))", refID: nil)
            }
            if !queued { nextQueued() }
            return
        }
        if let v = validator {
            do {
                try v.validate(m)
            } catch {
                if m.msgType == FIXMsgType.logon || !receivedLogon {
                    log.event(id, "Logon message rejected: \(error); disconnecting")
                    disconnect()
                    return
                }
                generateReject(m, error.reason, tag: error.tag ?? 0)
                if !queued { nextQueued() }
                return
            }
        }
        switch m.msgType {
        case FIXMsgType.logon: nextLogon(m)
        case FIXMsgType.heartbeat: nextHeartbeat(m)
        case FIXMsgType.testRequest: nextTestRequest(m)
        case FIXMsgType.sequenceReset: nextSequenceReset(m)
        case FIXMsgType.logout: nextLogout(m)
        case FIXMsgType.resendRequest: nextResendRequest(m)
        case FIXMsgType.reject: nextReject(m)
        default: nextApplication(m)
        }
        if !queued { nextQueued() }
    }

    func nextApplication(_ m: FIXMessage) {
        guard verify(m, checkTooHigh: true, checkTooLow: true) else { return }
        var context = FIXSessionContext(sessionID: id, inbound: FIXInboundToken(generation: inboundGeneration,
                                                                                sequence: nextTarget))
        let result = application.fromApp(m, context: &context)
        switch result {
        case .accepted:
            incrNextTarget()
        case .handedOn:
            handedOn.append(nextTarget)
            incrNextTarget()
        case .unsupportedMessageType:
            generateBusinessReject(m, .unsupportedMessageType, text: "Unsupported Message Type", refID: nil)
        case .reject(let e):
            generateReject(m, e.reason, tag: e.tag ?? 0)
        case .businessReject(let reason, let text, let refID):
            generateBusinessReject(m, reason, text: text, refID: refID)
        }
        for var out in context.outbox {
            out.removeHeader(FIXTag.possDupFlag)
            out.removeHeader(FIXTag.origSendingTime)
            sendRaw(&out)
        }
    }

    func nextLogon(_ m: FIXMessage) {
        let now = clock.now()
        guard enabled else {
            log.event(id, "Session is not enabled for logon")
            disconnect()
            return
        }
        guard settings.schedule.isSessionTime(now) else {
            log.event(id, "Received logon outside of valid logon time")
            disconnect()
            return
        }
        if !isInitiator, let hash = passwordHash {
            let user = m.string(FIXTag.username)
            let password = m.string(FIXTag.password) ?? ""
            if user != settings.username || !hash.verify(password) {
                log.event(id, "Logon rejected: invalid Username or Password (Username=\(user ?? "<none>"))")
                sendUnrecordedLogout(text: "Logon rejected: invalid username or password")
                disconnect()
                return
            }
        }
        // Before anything changes (a ResetSeqNumFlag would reset the store): a negative HeartBtInt is refused
        // (it was taken as 0, heartbeats off, which the counterparty never asked for).
        if let hb = m.int(FIXTag.heartBtInt), hb < 0 {
            let text = "Logon rejected: HeartBtInt (108) must not be negative, got \(hb)"
            log.event(id, text)
            sendUnrecordedLogout(text: text)
            disconnect()
            return
        }
        let resetFlag = m.bool(FIXTag.resetSeqNumFlag)
        receivedReset = resetFlag
        if receivedReset {
            log.event(id, "Logon contains ResetSeqNumFlag=Y, resetting sequence numbers to 1")
            if !sentReset { reset() }
        }
        if isInitiator && !sentLogon && !receivedReset {
            log.event(id, "Received logon response before sending request")
            disconnect()
            return
        }
        if !isInitiator && settings.resetOnLogon { reset() }
        guard verify(m, checkTooHigh: false, checkTooLow: true) else { return }
        receivedLogon = true
        if !isInitiator || (receivedReset && !sentReset) {
            if let hb = m.int(FIXTag.heartBtInt) { heartBtInt = hb }
            log.event(id, "Received logon request")
            generateLogonReply()
            log.event(id, "Responding to logon request")
        } else {
            log.event(id, "Received logon response")
        }
        sentReset = false
        receivedReset = false
        let seq = m.int(FIXTag.msgSeqNum) ?? 0
        if seq > nextTarget && !resetFlag {
            doTargetTooHigh(m)
        } else {
            incrNextTarget()
            nextQueued()
        }
        if isLoggedOn { application.onLogon(self) }
    }

    func nextHeartbeat(_ m: FIXMessage) {
        guard verify(m, checkTooHigh: true, checkTooLow: true) else { return }
        incrNextTarget()
        nextQueued()
    }

    func nextTestRequest(_ m: FIXMessage) {
        guard verify(m, checkTooHigh: true, checkTooLow: true) else { return }
        generateHeartbeat(testReqID: m.value(FIXTag.testReqID))
        incrNextTarget()
        nextQueued()
    }

    func nextReject(_ m: FIXMessage) {
        guard verify(m, checkTooHigh: false, checkTooLow: true) else { return }
        application.onSessionReject(m)
        incrNextTarget()
        nextQueued()
    }

    func nextSequenceReset(_ m: FIXMessage) {
        let gapFill = m.bool(FIXTag.gapFillFlag)
        guard verify(m, checkTooHigh: gapFill, checkTooLow: gapFill) else { return }
        guard let newSeqNo = m.int(FIXTag.newSeqNo) else { return }
        log.event(id, "Received SequenceReset FROM: \(nextTarget) TO: \(newSeqNo)")
        if newSeqNo > Self.maxSeqNum {
            // Past any number a session reaches (QuickFIX holds them in a C int); taken, the next increment
            // could overflow.
            generateReject(m, .valueIsIncorrect, tag: FIXTag.newSeqNo)
        } else if newSeqNo > nextTarget {
            setNextTarget(newSeqNo)
        } else if newSeqNo < nextTarget {
            generateReject(m, .valueIsIncorrect, tag: 0)
        }
    }

    func nextLogout(_ m: FIXMessage) {
        guard verify(m, checkTooHigh: false, checkTooLow: false) else { return }
        if !sentLogout {
            log.event(id, "Received logout request")
            generateLogout(text: nil)
            log.event(id, "Sending logout response")
        } else {
            log.event(id, "Received logout response")
        }
        incrNextTarget()
        if settings.resetOnLogout { reset() }
        disconnect()
    }

    func nextResendRequest(_ m: FIXMessage) {
        guard verify(m, checkTooHigh: false, checkTooLow: false) else { return }
        let begin = m.int(FIXTag.beginSeqNo) ?? 1
        var end = m.int(FIXTag.endSeqNo) ?? 0
        log.event(id, "Received ResendRequest FROM: \(begin) TO: \(end)")
        guard begin >= 1, end >= 0 else {
            // Sequence numbers start at 1: a gap fill from 0 or below would go out with MsgSeqNum 0 or negative.
            generateReject(m, .valueIsIncorrect, tag: begin < 1 ? FIXTag.beginSeqNo : FIXTag.endSeqNo)
            return
        }
        if end == 0 || end >= nextSender { end = nextSender - 1 }
        if begin <= end {
            let stored: [(seqNum: Int, bytes: [UInt8])]
            if settings.persistMessages {
                do {
                    stored = try store.sentMessages(id, from: begin, to: end)
                } catch let e as FIXStoredMessagesPartlyUnreadable {
                    log.event(id, "Cannot read stored messages for resend: \(e); gap filling what they held")
                    stored = e.readable
                } catch {
                    log.event(id, "Cannot read stored messages for resend: \(error); gap filling")
                    stored = []
                }
            } else {
                stored = []
            }
            var current = begin
            for (seq, bytes) in stored {
                if seq > current { generateSequenceReset(begin: current, newSeqNo: seq) }
                if resend(bytes) { log.event(id, "Resending Message: \(seq)") } else {
                    generateSequenceReset(begin: seq, newSeqNo: seq + 1)
                }
                current = seq + 1
            }
            if current <= end { generateSequenceReset(begin: current, newSeqNo: end + 1) }
        }
        let seq = m.int(FIXTag.msgSeqNum) ?? 0
        if seq == nextTarget { incrNextTarget() }
    }

    /// Handles queued messages whose turn has come (QuickFIX `nextQueued`).
    func nextQueued() {
        while connection != nil, let m = queue.removeValue(forKey: nextTarget) {
            log.event(id, "Processing QUEUED message: \(nextTarget)")
            if m.msgType == FIXMsgType.logon || m.msgType == FIXMsgType.resendRequest {
                incrNextTarget()
            } else {
                next(m, queued: true)
            }
        }
        if !queue.isEmpty { queue = queue.filter { $0.key > nextTarget } }
    }

    // MARK: - Checks

    /// QuickFIX `validLogonState`.
    func validLogonState(_ msgType: String) -> Bool {
        if (msgType == FIXMsgType.logon && sentReset) || receivedReset { return true }
        if (msgType == FIXMsgType.logon && !receivedLogon) || (msgType != FIXMsgType.logon && receivedLogon) { return true }
        if msgType == FIXMsgType.logout && sentLogon { return true }
        if msgType != FIXMsgType.logout && sentLogout { return true }
        if msgType == FIXMsgType.sequenceReset || msgType == FIXMsgType.reject { return true }
        return false
    }

    /// QuickFIX `verify`: logon state, SendingTime, CompIDs, MsgSeqNum.
    func verify(_ m: FIXMessage, checkTooHigh: Bool, checkTooLow: Bool) -> Bool {
        guard validLogonState(m.msgType) else {
            log.event(id, "Logon state is not valid for message (MsgType=\(m.msgType))")
            disconnect()
            return false
        }
        let now = clock.now()
        if settings.checkLatency {
            guard let sent = m.value(FIXTag.sendingTime).flatMap(FIXTimestamp.parse),
                  abs(now.secondsSince(sent)) <= settings.maxLatency else {
                generateReject(m, .sendingTimeAccuracyProblem, tag: 0)
                generateLogout(text: nil)
                return false
            }
        }
        if settings.checkCompID {
            let sender = m.string(FIXTag.senderCompID)
            let target = m.string(FIXTag.targetCompID)
            guard sender == id.targetCompID, target == id.senderCompID else {
                generateReject(m, .compIDProblem, tag: 0)
                generateLogout(text: nil)
                return false
            }
        }
        let seq = m.int(FIXTag.msgSeqNum) ?? 0
        if checkTooHigh && seq > nextTarget {
            doTargetTooHigh(m)
            return false
        } else if checkTooLow && seq < nextTarget {
            doTargetTooLow(m)
            return false
        }
        if checkTooHigh || checkTooLow, let range = resendRange, seq >= range.end {
            log.event(id, "ResendRequest for messages FROM: \(range.begin) TO: \(range.end) has been satisfied.")
            resendRange = nil
        }
        lastReceivedTime = now
        testRequestCount = 0
        return true
    }

    func doTargetTooHigh(_ m: FIXMessage) {
        let seq = m.int(FIXTag.msgSeqNum) ?? 0
        log.event(id, "MsgSeqNum too high, expecting \(nextTarget) but received \(seq)")
        // Messages wait here for the gap before them; a counterparty that never fills it must not fill memory.
        guard queue.count < settings.maxQueuedMessages || queue[seq] != nil else {
            let text = "More than \(settings.maxQueuedMessages) messages wait for MsgSeqNum \(nextTarget) (gap not filled)"
            log.event(id, text)
            generateLogout(text: text)
            disconnect()
            return
        }
        queue[seq] = m
        // A ResendRequest whose range the expected number has passed (a gap fill went beyond it) is settled:
        // this gap is a new one and gets a request of its own. (QuickFIX keeps the old range until a message at
        // or past its end passes the sequence check, which never happens once the number has moved beyond it:
        // every later message was queued as too high and no request was sent again.)
        if let range = resendRange, nextTarget > range.end {
            log.event(id, "ResendRequest for messages FROM: \(range.begin) TO: \(range.end) has been satisfied.")
            resendRange = nil
        }
        if let range = resendRange, !settings.sendRedundantResendRequests, seq >= range.begin {
            log.event(id, "Already sent ResendRequest FROM: \(range.begin) TO: \(range.end).  Not sending another.")
            return
        }
        generateResendRequest(begin: nextTarget, end: seq - 1)
    }

    func doTargetTooLow(_ m: FIXMessage) {
        let seq = m.int(FIXTag.msgSeqNum) ?? 0
        guard m.bool(FIXTag.possDupFlag) else {
            let text = "MsgSeqNum too low, expecting \(nextTarget) but received \(seq)"
            generateLogout(text: text)
            log.event(id, text)
            disconnect()
            return
        }
        // PossDup: ignored unless OrigSendingTime is missing or later than SendingTime.
        guard m.msgType != FIXMsgType.sequenceReset else { return }
        guard let orig = m.value(FIXTag.origSendingTime) else {
            generateReject(m, .requiredTagMissing, tag: FIXTag.origSendingTime)
            return
        }
        if let o = FIXTimestamp.parse(orig), let s = m.value(FIXTag.sendingTime).flatMap(FIXTimestamp.parse), o > s {
            generateReject(m, .sendingTimeAccuracyProblem, tag: 0)
            generateLogout(text: nil)
        }
    }
}
