import FIXProtocol

/// Everything one session is configured with (QuickFIX's keys, plus Vega's own).
public struct FIXSessionSettings: Sendable {
    public enum ConnectionType: String, Sendable { case acceptor, initiator }

    public var id: FIXSessionID
    public var connectionType: ConnectionType = .acceptor
    public var socketAcceptPort: Int?
    public var socketAcceptHost: String?
    public var socketConnectHost: String?
    public var socketConnectPort: Int?
    /// Initiator: HeartBtInt sent on Logon. Acceptor: taken from the counterparty's Logon.
    public var heartBtInt: Int = 30
    public var reconnectInterval: Int = 30
    public var resetOnLogon = false
    public var resetOnLogout = false
    public var resetOnDisconnect = false
    public var refreshOnLogon = false
    public var dataDictionaryPath: String?
    public var useDataDictionary = true
    public var validation = FIXValidationOptions()
    public var validateLengthAndChecksum = true
    public var checkLatency = true
    public var maxLatency: Double = 120
    public var checkCompID = true
    public var logonTimeout: Double = 10
    public var logoutTimeout: Double = 2
    public var millisecondsInTimeStamp = true
    public var persistMessages = true
    public var sendRedundantResendRequests = false
    public var maxMessageSize = 1 << 20
    /// Vega: most messages held while waiting for a gap to be filled; past it the session logs out.
    public var maxQueuedMessages = 100_000
    public var schedule = FIXSessionSchedule.alwaysOpen
    /// Vega: Username (553) the counterparty must send.
    public var username: String?
    /// Vega: salted hash of the Password (554), `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`.
    public var passwordHash: String?
    /// Vega: source addresses allowed to log on to this session (empty: any).
    public var allowedRemoteAddresses: [String] = []
    /// Vega: this session receives a copy of every ExecutionReport.
    public var dropCopy = false
    /// Vega: for drop copy, the client CompIDs whose reports are copied (empty: all).
    public var dropCopyClients: [String] = []
    /// Vega: default broker for orders from this session.
    public var defaultBroker: String?
    /// QuickFIX FileLogPath: a folder for the per-session message log.
    public var fileLogPath: String?

    public init(id: FIXSessionID) { self.id = id }
}
