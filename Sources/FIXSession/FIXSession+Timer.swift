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

    public func setInitiatorCredentials(_ c: InitiatorCredentials?) { initiatorCredentials = c }
}
