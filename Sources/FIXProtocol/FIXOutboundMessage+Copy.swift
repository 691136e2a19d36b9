extension FIXOutboundMessage {
    /// Header fields a session always writes itself.
    public static let sessionManagedHeaderTags: Set<Int> = [
        FIXTag.beginString, FIXTag.bodyLength, FIXTag.msgType, FIXTag.msgSeqNum, FIXTag.senderCompID,
        FIXTag.targetCompID, FIXTag.sendingTime, FIXTag.possDupFlag, FIXTag.origSendingTime, FIXTag.checkSum,
    ]

    /// A copy of a received message for sending back: header fields other than the session-managed ones,
    /// and the body with its top-level fields in ascending tag order (each repeating group kept whole
    /// behind its NumInGroup field), values byte for byte as received.
    public init(copying m: FIXMessage) {
        self.init(msgType: m.msgType)
        for (i, f) in m.fields.enumerated() where f.section == .header && f.depth == 0 {
            if !FIXOutboundMessage.sessionManagedHeaderTags.contains(f.tag) { setHeader(f.tag, Array(m.value(at: i))) }
        }
        // Top-level body blocks: [start, end) in field indices.
        var blocks: [(tag: Int, start: Int, end: Int)] = []
        var i = 0
        while i < m.fields.count {
            let f = m.fields[i]
            guard f.section == .body, f.depth == 0 else { i += 1; continue }
            var end = i + 1
            if let g = m.groups.first(where: { $0.fieldIndex == i }) { end = g.endIndex }
            blocks.append((f.tag, i, end))
            i = end
        }
        let sorted = blocks.enumerated().sorted { a, b in
            a.element.tag != b.element.tag ? a.element.tag < b.element.tag : a.offset < b.offset
        }
        for (_, b) in sorted {
            for k in b.start..<b.end where m.fields[k].section == .body { appendRaw(m.fieldBytes(at: k)) }
        }
    }
}
