import FIXProtocol

extension FIXSession {
    /// Credentials an initiator sends on Logon (set in code, never read from a settings file).
    public struct InitiatorCredentials: Sendable {
        public var username: String
        public var password: String
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// The timer of a session without a connection: a new session window resets its sequence numbers when it
    /// starts (QuickFIX times every session), not at the next Logon — which would drop what was stored for the
    /// session in between. A connected session's own ticker does the rest.
    public func tickDisconnected() {
        if connection == nil { tick() }
    }

    /// The timer: heartbeats, TestRequest on silence, timeouts, session windows (QuickFIX `Session::next()`).
    /// Call it often (the engine does every 100 ms); it only acts when something is due.
    public func tick() {
        let now = clock.now()
        guard connection != nil else {
            checkSessionBoundary(now)
            return
        }
        if !settings.schedule.isSameSession(creationTime, now) || !settings.schedule.isSessionTime(now) || !enabled {
            if isLoggedOn {
                if !sentLogout {
                    log.event(id, "Initiated logout request (session time ended)")
                    generateLogout(text: logoutReason ?? "Session time ended")
                }
            } else {
                disconnect()
                checkSessionBoundary(now)
                return
            }
        }
        if !receivedLogon {
            if isInitiator, sentLogon, let sent = logonSentTime, now.secondsSince(sent) >= settings.logonTimeout {
                log.event(id, "Timed out waiting for logon response")
                disconnect()
            }
            return
        }
        if sentLogout && now.secondsSince(lastSentTime) >= settings.logoutTimeout {
            log.event(id, "Timed out waiting for logout response")
            disconnect()
            return
        }
        resendIfUnanswered(now)
        guard heartBtInt > 0 else { return }
        let hb = Double(heartBtInt)
        let sinceSent = now.secondsSince(lastSentTime)
        let sinceReceived = now.secondsSince(lastReceivedTime)
        if sinceSent < hb && sinceReceived < hb { return }
        if sinceReceived >= 2.4 * hb {
            log.event(id, "Timed out waiting for heartbeat")
            disconnect()
        } else if sinceReceived >= 1.2 * Double(testRequestCount + 1) * hb {
            generateTestRequest("TEST")
            testRequestCount += 1
            log.event(id, "Sent test request TEST")
        } else if sinceSent >= hb && testRequestCount == 0 {
            generateHeartbeat()
        }
    }

    /// A ResendRequest that messages are still waiting on after a heartbeat interval (30 s without heartbeats)
    /// is sent again: its answer may have been lost (a garbled frame swallows the one after it). QuickFIX sends
    /// none again unless `SendRedundantResendRequests`, and the session then waits for ever, queueing every
    /// later message.
    func resendIfUnanswered(_ now: FIXTimestamp) {
        guard isLoggedOn, !sentLogout, let range = resendRange, let waiting = queue.keys.min() else { return }
        let timeout = heartBtInt > 0 ? Double(heartBtInt) : 30
        guard now.secondsSince(range.sentAt) >= timeout else { return }
        log.event(id, "ResendRequest FROM: \(range.begin) TO: \(range.end) not answered in \(Int(timeout)) s; sending another")
        generateResendRequest(begin: nextTarget, end: waiting - 1)
    }

    public func setInitiatorCredentials(_ c: InitiatorCredentials?) { initiatorCredentials = c }
}
