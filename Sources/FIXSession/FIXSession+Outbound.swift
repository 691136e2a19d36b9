import FIXProtocol

extension FIXSession {
    /// Fills the header, encodes, stores and sends (QuickFIX `sendRaw`).
    /// - Parameter num: a fixed MsgSeqNum (gap fills): nothing is stored and the sender number stays.
    @discardableResult
    func sendRaw(_ m: inout FIXOutboundMessage, num: Int? = nil) -> Int? {
        sendRecorded(&m, num: num, attachments: []).seq
    }

    /// `sendRaw`, with application data committed in the same transaction as the message's store entry.
    func sendRecorded(_ m: inout FIXOutboundMessage, num: Int? = nil,
                      attachments: [any FIXStoreAttachment]) -> (seq: Int, ticket: FIXStoreTicket?) {
        let now = clock.now()
        let seq = num ?? nextSender
        m.setHeader(FIXTag.senderCompID, id.senderCompID)
        m.setHeader(FIXTag.targetCompID, id.targetCompID)
        m.setHeader(FIXTag.msgSeqNum, seq)
        m.setHeader(FIXTag.sendingTime, now.formatted(milliseconds: settings.millisecondsInTimeStamp))
        let bytes = m.encode(beginString: id.beginString)
        let isAdmin = FIXMsgType.isAdmin(m.msgType)
        var ticket: FIXStoreTicket = 0
        var recorded: FIXStoreTicket?
        if num == nil {
            nextSender += 1
            let ops: [FIXStoreOperation] = !isAdmin && settings.persistMessages
                ? [.storeSent(seqNum: seq, bytes: bytes), .setNextSender(nextSender)] : [.setNextSender(nextSender)]
            ticket = attachments.isEmpty ? store.enqueue(id, ops) : store.enqueue(id, ops, attachments: attachments)
            recorded = ticket
        }
        let mt = m.msgType
        let shouldSend: Bool
        if isAdmin {
            shouldSend = mt == FIXMsgType.logon || mt == FIXMsgType.logout || mt == FIXMsgType.resendRequest
                || mt == FIXMsgType.sequenceReset || isLoggedOn
        } else {
            shouldSend = isLoggedOn
        }
        if shouldSend, let c = connection {
            c.send(bytes, durableAfter: ticket)
            lastSentTime = now
            log.outgoing(id, bytes)
        }
        return (seq, recorded)
    }

    /// A Logout that leaves sequence numbers and store untouched (failed authentication).
    func sendUnrecordedLogout(text: String) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.logout)
        m.append(FIXTag.text, text)
        m.setHeader(FIXTag.senderCompID, id.senderCompID)
        m.setHeader(FIXTag.targetCompID, id.targetCompID)
        m.setHeader(FIXTag.msgSeqNum, nextSender)
        m.setHeader(FIXTag.sendingTime, clock.now().formatted(milliseconds: settings.millisecondsInTimeStamp))
        let bytes = m.encode(beginString: id.beginString)
        connection?.send(bytes, durableAfter: 0)
        log.outgoing(id, bytes)
    }

    /// Resends a stored application message with PossDupFlag=Y and OrigSendingTime.
    func resend(_ stored: [UInt8]) -> Bool {
        guard let old = try? FIXMessageParser.parse(stored, dictionary: dictionary, verifyLengthAndChecksum: false) else {
            return false
        }
        var m = FIXOutboundMessage(msgType: old.msgType)
        var bodyStart: Int32? = nil
        var bodyEnd: Int32 = 0
        for (i, f) in old.fields.enumerated() {
            switch f.section {
            case .header:
                switch f.tag {
                case FIXTag.beginString, FIXTag.bodyLength, FIXTag.msgType, FIXTag.possDupFlag, FIXTag.origSendingTime:
                    continue
                case FIXTag.sendingTime:
                    m.setHeader(FIXTag.origSendingTime, Array(old.value(at: i)))
                default:
                    m.setHeader(f.tag, Array(old.value(at: i)))
                }
            case .body:
                if bodyStart == nil { bodyStart = f.start }
                bodyEnd = f.end
            case .trailer:
                continue
            }
        }
        if let s = bodyStart { m.appendRaw(old.bytes[Int(s)..<Int(bodyEnd)]) }
        m.setHeader(FIXTag.possDupFlag, "Y")
        guard let seq = old.int(FIXTag.msgSeqNum) else { return false }
        sendRaw(&m, num: seq)
        return true
    }

    func generateLogon() {
        var m = FIXOutboundMessage(msgType: FIXMsgType.logon)
        m.append(FIXTag.encryptMethod, 0)
        m.append(FIXTag.heartBtInt, settings.heartBtInt)
        heartBtInt = settings.heartBtInt
        if settings.resetOnLogon || shouldSendReset && settings.resetOnLogon {
            if !receivedReset { reset() }
            m.append(FIXTag.resetSeqNumFlag, true)
            sentReset = true
        }
        if let u = initiatorCredentials?.username { m.append(FIXTag.username, u) }
        if let p = initiatorCredentials?.password { m.append(FIXTag.password, p) }
        sendRaw(&m)
        sentLogon = true
        logonSentTime = clock.now()
        log.event(id, "Initiated logon request")
    }

    func generateLogonReply() {
        var m = FIXOutboundMessage(msgType: FIXMsgType.logon)
        m.append(FIXTag.encryptMethod, 0)
        m.append(FIXTag.heartBtInt, heartBtInt)
        if receivedReset { m.append(FIXTag.resetSeqNumFlag, true) }
        sendRaw(&m)
        sentLogon = true
    }

    func generateLogout(text: String?) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.logout)
        if let t = text, !t.isEmpty { m.append(FIXTag.text, t) }
        sendRaw(&m)
        sentLogout = true
    }

    func generateHeartbeat(testReqID: ArraySlice<UInt8>? = nil) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.heartbeat)
        if let t = testReqID { m.append(FIXTag.testReqID, bytes: t) }
        sendRaw(&m)
    }

    func generateTestRequest(_ id: String) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.testRequest)
        m.append(FIXTag.testReqID, id)
        sendRaw(&m)
    }

    func generateResendRequest(begin: Int, end: Int) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.resendRequest)
        m.append(FIXTag.beginSeqNo, begin)
        m.append(FIXTag.endSeqNo, 0)
        sendRaw(&m)
        log.event(id, "Sent ResendRequest FROM: \(begin) TO: \(end)")
        resendRange = (begin, end, clock.now())
    }

    func generateSequenceReset(begin: Int, newSeqNo: Int) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.sequenceReset)
        let sending = clock.now().formatted(milliseconds: settings.millisecondsInTimeStamp)
        m.setHeader(FIXTag.possDupFlag, "Y")
        m.setHeader(FIXTag.origSendingTime, sending)
        m.append(FIXTag.newSeqNo, newSeqNo)
        m.append(FIXTag.gapFillFlag, true)
        sendRaw(&m, num: begin)
        log.event(id, "Sent SequenceReset TO: \(newSeqNo)")
    }

    /// Routing fields of a reply mirror the request's (QuickFIX `reverseRoute`); empty ones are left out.
    func reverseRoute(_ from: FIXMessage, into m: inout FIXOutboundMessage) {
        let pairs: [(Int, Int)] = [
            (FIXTag.onBehalfOfCompID, FIXTag.deliverToCompID), (FIXTag.deliverToCompID, FIXTag.onBehalfOfCompID),
            (FIXTag.onBehalfOfSubID, FIXTag.deliverToSubID), (FIXTag.deliverToSubID, FIXTag.onBehalfOfSubID),
            (FIXTag.onBehalfOfLocationID, FIXTag.deliverToLocationID),
            (FIXTag.deliverToLocationID, FIXTag.onBehalfOfLocationID),
            (FIXTag.senderSubID, FIXTag.targetSubID), (FIXTag.targetSubID, FIXTag.senderSubID),
        ]
        for (src, dst) in pairs {
            if let i = from.fields.firstIndex(where: { $0.tag == src && $0.section == .header }) {
                let v = from.value(at: i)
                if !v.isEmpty { m.setHeader(dst, Array(v)) }
            }
        }
    }

    /// Session-level Reject (35=3), QuickFIX `generateReject`.
    func generateReject(_ from: FIXMessage, _ reason: FIXSessionRejectReason, tag: Int) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.reject)
        reverseRoute(from, into: &m)
        let seqValue = from.value(FIXTag.msgSeqNum)
        let seq = seqValue.flatMap { FIXValueParser.int($0) }
        if let v = seqValue, !v.isEmpty { m.append(FIXTag.refSeqNum, bytes: v) }
        let text = reason.text
        let withTag = text != nil && (tag != 0 || reason == .invalidTagNumber)
        if let t = text { m.append(FIXTag.text, t) }
        if withTag { m.append(FIXTag.refTagID, tag) }
        if !from.msgType.isEmpty { m.append(FIXTag.refMsgType, from.msgType) }
        m.append(FIXTag.sessionRejectReason, reason.rawValue)
        if from.msgType != FIXMsgType.logon && from.msgType != FIXMsgType.sequenceReset, seq == nextTarget {
            incrNextTarget()
        }
        log.event(id, "Message \(seq.map(String.init) ?? "?") Rejected: \(text ?? "reason \(reason.rawValue)")\(withTag ? ":\(tag)" : "")")
        guard receivedLogon else {
            log.event(id, "Tried to send a reject while not logged on")
            disconnect()
            return
        }
        sendRaw(&m)
    }

    /// BusinessMessageReject (35=j), QuickFIX `generateBusinessReject`.
    func generateBusinessReject(_ from: FIXMessage, _ reason: FIXBusinessRejectReason, text: String?, refID: String?) {
        var m = FIXOutboundMessage(msgType: FIXMsgType.businessMessageReject)
        reverseRoute(from, into: &m)
        if let v = from.value(FIXTag.msgSeqNum) { m.append(FIXTag.refSeqNum, bytes: v) }
        if let t = text { m.append(FIXTag.text, t) }
        m.append(FIXTag.refMsgType, from.msgType)
        if let r = refID { m.append(FIXTag.businessRejectRefID, r) }
        m.append(FIXTag.businessRejectReason, reason.rawValue)
        // Only the expected message moves the number on (as `generateReject`): a message rejected before its
        // number was checked (header CompIDs missing) may be a duplicate or may come after a gap. (QuickFIX
        // increments always, which skips a gap or makes the next message look too low.)
        if from.int(FIXTag.msgSeqNum) == nextTarget { incrNextTarget() }
        log.event(id, "Message \(from.string(FIXTag.msgSeqNum) ?? "?") Rejected: \(text ?? "business reject \(reason.rawValue)")")
        sendRaw(&m)
    }
}
