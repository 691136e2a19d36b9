/// BeginString, SenderCompID and TargetCompID, from this side's point of view.
public struct FIXSessionID: Hashable, Sendable, CustomStringConvertible {
    public let beginString: String
    public let senderCompID: String
    public let targetCompID: String

    public init(beginString: String, senderCompID: String, targetCompID: String) {
        self.beginString = beginString
        self.senderCompID = senderCompID
        self.targetCompID = targetCompID
    }

    public var description: String { "\(beginString):\(senderCompID)->\(targetCompID)" }
}
