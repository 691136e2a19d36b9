/// Tag numbers the engine itself reads or writes. Application code may use any tag.
public enum FIXTag {
    public static let account = 1
    public static let avgPx = 6
    public static let beginSeqNo = 7
    public static let beginString = 8
    public static let bodyLength = 9
    public static let checkSum = 10
    public static let clOrdID = 11
    public static let cumQty = 14
    public static let endSeqNo = 16
    public static let execID = 17
    public static let lastPx = 31
    public static let lastQty = 32
    public static let msgSeqNum = 34
    public static let msgType = 35
    public static let newSeqNo = 36
    public static let orderID = 37
    public static let orderQty = 38
    public static let ordStatus = 39
    public static let ordType = 40
    public static let origClOrdID = 41
    public static let possDupFlag = 43
    public static let price = 44
    public static let refSeqNum = 45
    public static let senderCompID = 49
    public static let senderSubID = 50
    public static let sendingTime = 52
    public static let side = 54
    public static let symbol = 55
    public static let targetCompID = 56
    public static let targetSubID = 57
    public static let text = 58
    public static let timeInForce = 59
    public static let transactTime = 60
    public static let signature = 89
    public static let secureDataLen = 90
    public static let signatureLength = 93
    public static let rawDataLength = 95
    public static let possResend = 97
    public static let encryptMethod = 98
    public static let heartBtInt = 108
    public static let testReqID = 112
    public static let onBehalfOfCompID = 115
    public static let onBehalfOfSubID = 116
    public static let origSendingTime = 122
    public static let gapFillFlag = 123
    public static let deliverToCompID = 128
    public static let deliverToSubID = 129
    public static let resetSeqNumFlag = 141
    public static let onBehalfOfLocationID = 144
    public static let deliverToLocationID = 145
    public static let execType = 150
    public static let leavesQty = 151
    public static let refTagID = 371
    public static let refMsgType = 372
    public static let sessionRejectReason = 373
    public static let businessRejectRefID = 379
    public static let businessRejectReason = 380
    public static let maxMessageSize = 383
    public static let username = 553
    public static let password = 554
    public static let userDefinedMin = 5000
}

/// Message types the session layer handles itself.
public enum FIXMsgType {
    public static let heartbeat = "0"
    public static let testRequest = "1"
    public static let resendRequest = "2"
    public static let reject = "3"
    public static let sequenceReset = "4"
    public static let logout = "5"
    public static let logon = "A"
    public static let businessMessageReject = "j"

    /// True for the session-level (administrative) message types of FIX 4.4.
    public static func isAdmin(_ msgType: String) -> Bool {
        guard msgType.utf8.count == 1, let c = msgType.utf8.first else { return false }
        switch c {
        case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"),
             UInt8(ascii: "4"), UInt8(ascii: "5"), UInt8(ascii: "A"):
            return true
        default:
            return false
        }
    }
}
