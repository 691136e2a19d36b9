import FIXProtocol

/// One FIX session (QuickFIX's `Session`): sequence numbers, logon state, heartbeats, resend and the
/// checks of the FIX 4.4 session protocol. Connections come and go; the session outlives them.
///
/// Everything runs inside the actor without suspension, so each inbound message, timer tick or
/// application send is handled whole before the next one.
public actor FIXSession {
    /// The highest sequence number a counterparty may move us to (QuickFIX holds them in a C int).
    public static let maxSeqNum = Int(Int32.max)

    public nonisolated let id: FIXSessionID
    public nonisolated let settings: FIXSessionSettings
    let store: FIXMessageStore
    let application: FIXApplication
    let clock: WallClock
    let log: FIXSessionLog
    let dictionary: FIXDataDictionary?
    let validator: FIXValidator?
    let passwordHash: FIXPasswordHash?
    let beginStringBytes: [UInt8]

    // Store-backed state.
    var nextSender: Int
    var nextTarget: Int
    var creationTime: FIXTimestamp

    // Connection state (QuickFIX SessionState).
    var connection: FIXConnection?
    var receivedLogon = false
    var sentLogon = false
    var sentLogout = false
    var receivedReset = false
    var sentReset = false
    var heartBtInt: Int
    var lastSentTime: FIXTimestamp
    var lastReceivedTime: FIXTimestamp
    var logonSentTime: FIXTimestamp?
    var testRequestCount = 0
    /// The outstanding ResendRequest: the gap it asked for and when it was sent.
    var resendRange: (begin: Int, end: Int, sentAt: FIXTimestamp)? = nil
    var queue: [Int: FIXMessage] = [:]
    /// Application messages handed on (`FIXApplicationResult.handedOn`) and not yet confirmed processed, oldest
    /// first: the stored next inbound number stays at the first of them.
    var handedOn: [Int] = []
    /// Sequence resets so far (`FIXInboundToken.generation`).
    var inboundGeneration = 0
    var logoutReason: String?
    var enabled = true
    var initiatorCredentials: InitiatorCredentials?

    public var isInitiator: Bool { settings.connectionType == .initiator }

    /// - Throws: when the store cannot be read.
    public init(settings: FIXSessionSettings, store: FIXMessageStore, application: FIXApplication,
                dictionary: FIXDataDictionary?, clock: WallClock, log: FIXSessionLog) throws {
        self.id = settings.id
        self.settings = settings
        self.store = store
        self.application = application
        self.clock = clock
        self.log = log
        self.dictionary = settings.useDataDictionary ? dictionary : nil
        self.validator = (settings.useDataDictionary ? dictionary : nil).map {
            FIXValidator(dictionary: $0, options: settings.validation)
        }
        self.passwordHash = settings.passwordHash.flatMap(FIXPasswordHash.init(encoded:))
        self.beginStringBytes = Array(settings.id.beginString.utf8)
        let now = clock.now()
        let snap = try store.open(settings.id, now: now)
        self.nextSender = snap.nextSenderMsgSeqNum
        self.nextTarget = snap.nextTargetMsgSeqNum
        self.creationTime = snap.creationTime
        self.heartBtInt = settings.heartBtInt
        self.lastSentTime = now
        self.lastReceivedTime = now
    }

    // MARK: - Public state

    public var isLoggedOn: Bool { receivedLogon && sentLogon }
    public var isConnected: Bool { connection != nil }
    public var expectedSenderNum: Int { nextSender }
    public var expectedTargetNum: Int { nextTarget }

    // MARK: - Connections

    /// Binds a new connection. Refused (false) while another connection holds the session.
    public func attach(_ c: FIXConnection) -> Bool {
        guard connection == nil else {
            log.event(id, "Multiple logons/connections for a single session are not allowed; refused \(c.remoteAddress ?? "?")")
            return false
        }
        if !settings.allowedRemoteAddresses.isEmpty {
            let host = FIXSession.host(of: c.remoteAddress)
            guard settings.allowedRemoteAddresses.contains(host) else {
                log.event(id, "Connection from \(c.remoteAddress ?? "?") refused: not in AllowedRemoteAddresses")
                return false
            }
        }
        connection = c
        receivedLogon = false
        sentLogon = false
        sentLogout = false
        receivedReset = false
        sentReset = false
        testRequestCount = 0
        resendRange = nil
        queue.removeAll()
        logoutReason = nil
        logonSentTime = nil
        let now = clock.now()
        lastSentTime = now
        lastReceivedTime = now
        heartBtInt = settings.heartBtInt
        log.event(id, "Connected \(c.remoteAddress ?? "")")
        if isInitiator {
            checkSessionBoundary(now)
            generateLogon()
        }
        return true
    }

    /// The transport reports that the connection is gone.
    public func connectionClosed(_ c: FIXConnection) {
        guard connection === c else { return }
        disconnect(closeTransport: false)
    }

    /// The IP address part of a peer address (the connection reports plain IPs).
    static func host(of address: String?) -> String { address ?? "" }

    /// Ends the connection (QuickFIX `disconnect`).
    func disconnect(closeTransport: Bool = true) {
        guard let c = connection else { return }
        log.event(id, "Disconnecting")
        if closeTransport { c.close() }
        connection = nil
        let wasLoggedOn = receivedLogon
        receivedLogon = false
        sentLogon = false
        sentLogout = false
        receivedReset = false
        sentReset = false
        queue.removeAll()
        resendRange = nil
        logonSentTime = nil
        if settings.resetOnDisconnect { reset() }
        if wasLoggedOn { application.onLogout(self) }
    }

    /// Sequence numbers back to 1, stored messages dropped (QuickFIX `SessionState::reset`).
    func reset() {
        nextSender = 1
        nextTarget = 1
        handedOn.removeAll()
        inboundGeneration += 1
        creationTime = clock.now()
        store.enqueue(id, [.reset(creationTime: creationTime)])
        log.event(id, "Session state reset: sequence numbers 1/1")
    }

    /// At a new session window, sequence numbers start again at 1.
    func checkSessionBoundary(_ now: FIXTimestamp) {
        if !settings.schedule.isSameSession(creationTime, now), settings.schedule.isSessionTime(now) {
            log.event(id, "New session window: resetting sequence numbers")
            reset()
        }
    }

    func incrNextTarget() {
        nextTarget += 1
        store.enqueue(id, [.setNextTarget(storedTarget)])
    }

    func setNextTarget(_ n: Int) {
        nextTarget = n
        store.enqueue(id, [.setNextTarget(storedTarget)])
    }

    /// The next inbound number as the store keeps it: the first message handed on and not yet processed, else
    /// the next expected.
    var storedTarget: Int { min(handedOn.first ?? nextTarget, nextTarget) }

    /// The application has handed the store everything the messages up to `token` (handed on with
    /// `FIXApplicationResult.handedOn`) caused: their numbers may be stored as processed, in the same commit as
    /// that or a later one. Confirmations from before a sequence reset are ignored.
    public func processed(through token: FIXInboundToken) {
        guard token.generation == inboundGeneration, let first = handedOn.first, first <= token.sequence else { return }
        let done = handedOn.firstIndex { $0 > token.sequence } ?? handedOn.count
        handedOn.removeFirst(done)
        store.enqueue(id, [.setNextTarget(storedTarget)])
    }

    /// Sets sequence numbers by hand (admin tooling, tests).
    public func setSequenceNumbers(nextSender s: Int?, nextTarget t: Int?) {
        var ops: [FIXStoreOperation] = []
        if let s { nextSender = s; ops.append(.setNextSender(s)) }
        if let t {
            nextTarget = t
            handedOn.removeAll()
            inboundGeneration += 1
            ops.append(.setNextTarget(t))
        }
        store.enqueue(id, ops)
    }

    // MARK: - Application API

    /// Sends an application message (or queues it in the store for resend when not logged on).
    /// - Returns: the MsgSeqNum it was given, or nil when it was not sent or stored.
    @discardableResult
    public func send(_ message: FIXOutboundMessage) -> Int? {
        guard var m = outgoing(message) else { return nil }
        return sendRaw(&m)
    }

    /// Sends an application message with data that must be committed in the same transaction as it (the
    /// order change it reports). Returns the store ticket covering both, or nil when the message was neither
    /// sent nor stored (then the caller stores the data itself).
    public func send(_ message: FIXOutboundMessage, alongside attachments: [any FIXStoreAttachment]) -> FIXStoreTicket? {
        guard var m = outgoing(message) else { return nil }
        return sendRecorded(&m, attachments: attachments).ticket
    }

    /// An application message as it goes out (a new message: no PossDupFlag or OrigSendingTime), or nil when it is
    /// neither sent nor stored (not logged on, and the next Logon resets the numbers).
    private func outgoing(_ message: FIXOutboundMessage) -> FIXOutboundMessage? {
        // A message kept for a session that is not connected belongs to the window it is made in: were it stored
        // under the last window's numbers, the reset at the next Logon would drop it.
        if connection == nil { checkSessionBoundary(clock.now()) }
        if !isLoggedOn && shouldSendReset { return nil }
        var m = message
        m.removeHeader(FIXTag.possDupFlag)
        m.removeHeader(FIXTag.origSendingTime)
        return m
    }

    /// `send(_:alongside:)` for several messages, in order, in one visit to the session.
    public func sendAll(_ messages: [(message: FIXOutboundMessage, attachments: [any FIXStoreAttachment])]) -> [FIXStoreTicket?] {
        messages.map { send($0.message, alongside: $0.attachments) }
    }

    /// `send(_:)` for several messages, in order, in one visit to the session.
    public func sendAll(_ messages: [FIXOutboundMessage]) {
        for m in messages { send(m) }
    }

    var shouldSendReset: Bool {
        (settings.resetOnLogon || settings.resetOnLogout || settings.resetOnDisconnect) && nextSender == 1 && nextTarget == 1
    }

    /// Starts a logout (QuickFIX `logout`); the connection closes when the peer answers or LogoutTimeout passes.
    public func logout(reason: String? = nil) {
        guard connection != nil else { return }
        if isLoggedOn {
            if !sentLogout { generateLogout(text: reason) }
        } else {
            disconnect()
        }
    }

    /// Stops accepting logons (and logs out a live connection).
    public func setEnabled(_ on: Bool) {
        enabled = on
        if !on { logout(reason: "Session disabled") }
    }
}
