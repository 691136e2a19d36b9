/// Why a frame is not a FIX message at all (garbled): QuickFIX's `InvalidMessage`. Such a frame is dropped.
public struct FIXParseError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case equalSignMissing, sohMissing, headerOrder, noCheckSum, bodyLength, checkSum }
    public let kind: Kind
    public let detail: String
    public var description: String { detail }
}

/// Splits a framed message into fields, classifies header/body/trailer and finds repeating groups.
public enum FIXMessageParser {
    /// Parses one complete frame (from `8=` through the CheckSum field's SOH).
    /// - Parameters:
    ///   - dictionary: used to place fields in header, body or trailer and to find repeating groups.
    ///   - verifyLengthAndChecksum: QuickFIX's `ValidateLengthAndChecksum`.
    public static func parse(_ bytes: [UInt8], dictionary: FIXDataDictionary?,
                             verifyLengthAndChecksum: Bool = true) throws(FIXParseError) -> FIXMessage {
        var fields: [FIXField] = []
        fields.reserveCapacity(24)
        let n = bytes.count
        var i = 0
        var previousLength: Int? = nil
        try bytes.withUnsafeBufferPointer { (p) throws(FIXParseError) in
            while i < n {
                let start = i
                var j = i
                while j < n && p[j] != UInt8(ascii: "=") { j += 1 }
                if j == n { throw FIXParseError(kind: .equalSignMissing, detail: "Equal sign not found in field") }
                let tag = FIXValueParser.atoi(UnsafeBufferPointer(rebasing: p[i..<j]))
                let type = dictionary?.type(of: tag)
                var k = j + 1
                // The length comes from the peer: only a length that ends inside the frame, on an SOH, is used
                // (a negative or huge one is ignored and the value read up to the next SOH, as any other).
                if let len = previousLength, type == .data, len >= 0, len < n - k, p[k + len] == 1 {
                    k += len
                } else {
                    while k < n && p[k] != 1 { k += 1 }
                }
                if k == n { throw FIXParseError(kind: .sohMissing, detail: "SOH not found at end of field") }
                fields.append(FIXField(tag: tag, start: Int32(start), valueStart: Int32(j + 1), end: Int32(k + 1),
                                       section: .body, depth: 0))
                if type == .length {
                    previousLength = FIXValueParser.int(UnsafeBufferPointer(rebasing: p[(j + 1)..<k]))
                } else {
                    previousLength = nil
                }
                i = k + 1
            }
        }
        guard fields.count >= 3, fields[0].tag == FIXTag.beginString, fields[1].tag == FIXTag.bodyLength,
              fields[2].tag == FIXTag.msgType else {
            throw FIXParseError(kind: .headerOrder, detail: "Header fields out of order")
        }
        guard let last = fields.last, last.tag == FIXTag.checkSum else {
            throw FIXParseError(kind: .noCheckSum, detail: "CheckSum (10) is not the last field")
        }
        if verifyLengthAndChecksum {
            let declared = FIXValueParser.int(bytes[Int(fields[1].valueStart)..<Int(fields[1].end - 1)])
            let actual = Int(last.start - fields[1].end)
            guard declared == actual else {
                throw FIXParseError(kind: .bodyLength,
                                    detail: "Expected BodyLength=\(actual), Received BodyLength=\(declared.map(String.init) ?? "invalid")")
            }
            let sumRange = 0..<Int(last.start)
            var sum = 0
            bytes.withUnsafeBufferPointer { p in for x in sumRange { sum &+= Int(p[x]) } }
            let checkBytes = bytes[Int(last.valueStart)..<Int(last.end - 1)]
            guard checkBytes.count == 3, let declaredSum = FIXValueParser.int(checkBytes), declaredSum == sum & 0xFF else {
                throw FIXParseError(kind: .checkSum,
                                    detail: "Expected CheckSum=\(sum & 0xFF), Received CheckSum=\(String(decoding: checkBytes, as: UTF8.self))")
            }
        }
        let msgType = String(decoding: bytes[Int(fields[2].valueStart)..<Int(fields[2].end - 1)], as: UTF8.self)
        var message = FIXMessage(bytes: bytes, fields: fields, outOfOrderTag: nil, groups: [], msgType: msgType)
        classify(&message, dictionary: dictionary)
        return message
    }

    /// Assigns sections and walks repeating groups (QuickFIX `Message::setString` + `setGroup`).
    static func classify(_ m: inout FIXMessage, dictionary: FIXDataDictionary?) {
        var section = FIXSection.header
        var outOfOrder: Int? = nil
        var groups: [FIXGroupCount] = []
        let messageDef = dictionary?.message(m.msgType)
        var idx = 0
        let count = m.fields.count
        while idx < count {
            let tag = m.fields[idx].tag
            let isHeader = dictionary?.isHeaderField(tag) ?? standardHeader(tag)
            let isTrailer = dictionary?.isTrailerField(tag) ?? (tag == 10 || tag == 89 || tag == 93)
            if isHeader {
                if section != .header, outOfOrder == nil { outOfOrder = tag }
                m.fields[idx].section = .header
                if let g = dictionary?.header.group(tag) {
                    idx = walkGroup(&m, def: g, countIndex: idx, depth: 1, section: .header, groups: &groups)
                    continue
                }
            } else if isTrailer {
                section = .trailer
                m.fields[idx].section = .trailer
            } else {
                if section == .trailer, outOfOrder == nil { outOfOrder = tag }
                section = .body
                m.fields[idx].section = .body
                if let g = messageDef?.group(tag) {
                    idx = walkGroup(&m, def: g, countIndex: idx, depth: 1, section: .body, groups: &groups)
                    continue
                }
            }
            idx += 1
        }
        m.outOfOrderTag = outOfOrder
        m.groups = groups
    }

    /// Consumes the entries of one group; returns the index of the first field after it.
    static func walkGroup(_ m: inout FIXMessage, def: FIXGroupDefinition, countIndex: Int, depth: UInt8,
                          section: FIXSection, groups: inout [FIXGroupCount]) -> Int {
        var idx = countIndex + 1
        var entries = 0
        var seen: [Int] = []
        let slot = groups.count
        groups.append(FIXGroupCount(countTag: def.countTag, declared: FIXValueParser.int(m.value(at: countIndex)),
                                    entries: 0, fieldIndex: countIndex, endIndex: countIndex + 1, depth: depth - 1))
        while idx < m.fields.count {
            let tag = m.fields[idx].tag
            if tag == def.delimiter || (def.fields.contains(tag) && (entries == 0 || seen.contains(tag))) {
                entries += 1
                seen.removeAll(keepingCapacity: true)
            } else if !def.fields.contains(tag) {
                break
            }
            seen.append(tag)
            m.fields[idx].depth = depth
            m.fields[idx].section = section
            if let nested = def.group(tag) {
                idx = walkGroup(&m, def: nested, countIndex: idx, depth: depth + 1, section: section, groups: &groups)
                continue
            }
            idx += 1
        }
        groups[slot].entries = entries
        groups[slot].endIndex = idx
        return idx
    }

    static func standardHeader(_ tag: Int) -> Bool {
        switch tag {
        case 8, 9, 35, 49, 56, 115, 128, 90, 91, 34, 50, 142, 57, 143, 116, 144, 129, 145, 43, 97, 52, 122, 212, 213,
             347, 369, 627, 628, 629, 630:
            return true
        default:
            return false
        }
    }
}
