/// Validation switches, named after QuickFIX's session settings.
public struct FIXValidationOptions: Sendable, Equatable {
    /// `ValidateFieldsOutOfOrder`: header fields must precede body fields, which precede the trailer.
    public var validateFieldsOutOfOrder = true
    /// `ValidateFieldsHaveValues`: an empty value is rejected.
    public var validateFieldsHaveValues = true
    /// `ValidateUserDefinedFields`: tags >= 5000 must be in the dictionary and the message.
    public var validateUserDefinedFields = true
    /// `AllowUnknownMsgFields`: tags < 5000 unknown to the message are let through.
    public var allowUnknownMessageFields = false

    public init() {}
}

/// A message that is well framed but breaks the dictionary: becomes a session Reject (35=3).
public struct FIXValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: FIXSessionRejectReason
    /// RefTagID (371), when a tag is at fault.
    public let tag: Int?

    public init(_ reason: FIXSessionRejectReason, tag: Int? = nil) {
        self.reason = reason
        self.tag = tag
    }

    public var description: String {
        "\(reason.text ?? "reason \(reason.rawValue)")\(tag.map { " (\($0))" } ?? "")"
    }
}

/// Checks a parsed message against a data dictionary, in QuickFIX's order
/// (structure, MsgType, required fields, then each field: repeated, value present, format, enum,
/// known tag, allowed in this message, group count), so that the first problem reported matches.
public struct FIXValidator: Sendable {
    public let dictionary: FIXDataDictionary
    public let options: FIXValidationOptions

    public init(dictionary: FIXDataDictionary, options: FIXValidationOptions = .init()) {
        self.dictionary = dictionary
        self.options = options
    }

    public func validate(_ m: FIXMessage) throws(FIXValidationError) {
        if options.validateFieldsOutOfOrder, let t = m.outOfOrderTag {
            throw FIXValidationError(.tagSpecifiedOutOfRequiredOrder, tag: t)
        }
        guard let def = dictionary.message(m.msgType) else {
            throw FIXValidationError(.invalidMsgType)
        }
        try checkRequired(m, def: def)
        try iterate(m, section: .header, def: dictionary.header)
        try iterate(m, section: .trailer, def: dictionary.trailer)
        try iterate(m, section: .body, def: def)
    }

    private func checkRequired(_ m: FIXMessage, def: FIXMessageDefinition) throws(FIXValidationError) {
        // Header, trailer, then body (no array of the three: this runs for every message).
        try checkRequiredTopLevel(m, dictionary.header, .header)
        try checkRequiredTopLevel(m, dictionary.trailer, .trailer)
        try checkRequiredTopLevel(m, def, .body)
        // Required fields inside each entry of each group.
        for g in m.groups {
            let owner: FIXGroupDefinition?
            if g.depth == 0 {
                owner = (m.fields[g.fieldIndex].section == .header ? dictionary.header : def).groups[g.countTag]
            } else {
                owner = findGroup(g.countTag, in: def) ?? findGroup(g.countTag, inGroups: dictionary.header.groups)
            }
            guard let gd = owner, !gd.required.isEmpty else { continue }
            var entryStart = -1
            var present: [Int] = []
            func finishEntry() throws(FIXValidationError) {
                guard entryStart >= 0 else { return }
                for r in gd.required where !present.contains(r) {
                    throw FIXValidationError(.requiredTagMissing, tag: r)
                }
            }
            var idx = g.fieldIndex + 1
            let memberDepth = g.depth + 1
            while idx < g.endIndex {
                let f = m.fields[idx]
                if f.depth == memberDepth {
                    if f.tag == gd.delimiter || present.contains(f.tag) || entryStart < 0 {
                        try finishEntry()
                        entryStart = idx
                        present.removeAll(keepingCapacity: true)
                    }
                    present.append(f.tag)
                }
                idx += 1
            }
            try finishEntry()
        }
    }

    private func findGroup(_ tag: Int, in def: FIXMessageDefinition) -> FIXGroupDefinition? {
        findGroup(tag, inGroups: def.groups)
    }

    private func findGroup(_ tag: Int, inGroups groups: [Int: FIXGroupDefinition]) -> FIXGroupDefinition? {
        for g in groups.values {
            if let hit = g.groups[tag] { return hit }
            if let deeper = findGroup(tag, inGroups: g.groups) { return deeper }
        }
        return nil
    }

    @inline(__always)
    private func checkRequiredTopLevel(_ m: FIXMessage, _ d: FIXMessageDefinition,
                                       _ section: FIXSection) throws(FIXValidationError) {
        for tag in d.required where !hasTopLevel(m, tag, section) {
            throw FIXValidationError(.requiredTagMissing, tag: tag)
        }
    }

    @inline(__always)
    private func hasTopLevel(_ m: FIXMessage, _ tag: Int, _ section: FIXSection) -> Bool {
        for f in m.fields where f.tag == tag && f.depth == 0 && f.section == section { return true }
        return false
    }

    private func shouldCheckTag(_ tag: Int) -> Bool {
        if options.allowUnknownMessageFields && tag < FIXTag.userDefinedMin { return false }
        if !options.validateUserDefinedFields && tag >= FIXTag.userDefinedMin { return false }
        return true
    }

    @inline(__always)
    private static func orderKey(_ tag: Int) -> Int {
        switch tag {
        case 8: return -3
        case 9: return -2
        case 35: return -1
        default: return tag
        }
    }

    private func iterate(_ m: FIXMessage, section: FIXSection, def: FIXMessageDefinition) throws(FIXValidationError) {
        // QuickFIX visits a field map in tag order (header: 8, 9, 35 first). Most messages arrive in that
        // order already: then the fields are visited where they are, with no index array to build and sort.
        var lastKey = Int.min
        var inOrder = true
        for f in m.fields where f.section == section && f.depth == 0 {
            let k = Self.orderKey(f.tag)
            if k < lastKey { inOrder = false; break }
            lastKey = k
        }
        if inOrder {
            var lastTag = Int.min
            for i in m.fields.indices where m.fields[i].section == section && m.fields[i].depth == 0 {
                try visit(m, index: i, section: section, def: def, lastTag: &lastTag)
            }
            return
        }
        var order: [Int] = []
        order.reserveCapacity(m.fields.count)
        for i in m.fields.indices where m.fields[i].section == section && m.fields[i].depth == 0 { order.append(i) }
        let key = Self.orderKey
        // Insertion sort: stable, and messages are short and mostly ordered already.
        if order.count > 1 {
            for a in 1..<order.count {
                let v = order[a]
                let kv = key(m.fields[v].tag)
                var b = a - 1
                while b >= 0 && key(m.fields[order[b]].tag) > kv {
                    order[b + 1] = order[b]
                    b -= 1
                }
                order[b + 1] = v
            }
        }
        var lastTag = Int.min
        for i in order {
            try visit(m, index: i, section: section, def: def, lastTag: &lastTag)
        }
    }

    /// One top-level field, visited in tag order; `lastTag` is the tag visited before it.
    @inline(__always)
    private func visit(_ m: FIXMessage, index i: Int, section: FIXSection, def: FIXMessageDefinition,
                       lastTag: inout Int) throws(FIXValidationError) {
        let f = m.fields[i]
        if f.tag == lastTag { throw FIXValidationError(.tagAppearsMoreThanOnce, tag: f.tag) }
        try checkValue(m, index: i)
        if shouldCheckTag(f.tag) {
            guard dictionary.isField(f.tag) else { throw FIXValidationError(.invalidTagNumber, tag: f.tag) }
            if section == .body {
                guard def.fields.contains(f.tag) else {
                    throw FIXValidationError(.tagNotDefinedForMessageType, tag: f.tag)
                }
                if def.group(f.tag) != nil {
                    if let g = m.groups.first(where: { $0.fieldIndex == i }), g.declared != g.entries {
                        throw FIXValidationError(.incorrectNumInGroupCount, tag: f.tag)
                    }
                    try checkGroupMembers(m, countIndex: i)
                }
            }
        }
        lastTag = f.tag
    }

    private func checkGroupMembers(_ m: FIXMessage, countIndex: Int) throws(FIXValidationError) {
        guard let g = m.groups.first(where: { $0.fieldIndex == countIndex }) else { return }
        var idx = countIndex + 1
        while idx < g.endIndex {
            try checkValue(m, index: idx)
            if let inner = m.groups.first(where: { $0.fieldIndex == idx }), inner.declared != inner.entries {
                throw FIXValidationError(.incorrectNumInGroupCount, tag: inner.countTag)
            }
            idx += 1
        }
    }

    /// Value present, format of its type, one of the enumerated values.
    private func checkValue(_ m: FIXMessage, index i: Int) throws(FIXValidationError) {
        let f = m.fields[i]
        let v = m.value(at: i)
        if v.isEmpty {
            if options.validateFieldsHaveValues { throw FIXValidationError(.tagSpecifiedWithoutValue, tag: f.tag) }
            return
        }
        guard let type = dictionary.type(of: f.tag) else { return }
        if !FIXFormat.isValid(v, type) { throw FIXValidationError(.incorrectDataFormat, tag: f.tag) }
        if let values = dictionary.enumValues(of: f.tag) {
            if type == .multipleValueString {
                for part in v.split(separator: UInt8(ascii: " ")) where !values.contains(where: { $0.elementsEqual(part) }) {
                    throw FIXValidationError(.valueIsIncorrect, tag: f.tag)
                }
            } else if !values.contains(where: { $0.elementsEqual(v) }) {
                throw FIXValidationError(.valueIsIncorrect, tag: f.tag)
            }
        }
    }
}

/// Format checks per FIX type on raw bytes.
public enum FIXFormat {
    public static func isValid(_ v: ArraySlice<UInt8>, _ type: FIXFieldType) -> Bool {
        switch type {
        case .int, .length, .numInGroup:
            return FIXValueParser.int(v) != nil
        case .float:
            return isDecimal(v)
        case .char:
            return v.count == 1
        case .boolean:
            return v.count == 1 && (v.first == UInt8(ascii: "Y") || v.first == UInt8(ascii: "N"))
        case .utcTimestamp:
            return FIXTimestamp.parse(v) != nil
        case .utcDateOnly:
            return v.count == 8 && isDate(v, v.startIndex)
        case .utcTimeOnly:
            return isTime(v, v.startIndex, v.endIndex)
        case .string, .multipleValueString:
            return isUTF8(v)
        case .data:
            return true
        }
    }

    /// Text is UTF-8 (ASCII included): Vega stores, compares and echoes texts as strings, and a byte that is not
    /// UTF-8 would come back as U+FFFD — a ClOrdID the client could not match to its order, or two different
    /// ClOrdIDs taken for one. (FIX 4.4 plain String fields are ASCII in practice; other encodings go in the
    /// Encoded* data fields with MessageEncoding (347).)
    public static func isUTF8(_ v: ArraySlice<UInt8>) -> Bool {
        if v.allSatisfy({ $0 < 0x80 }) { return true }
        return String(validating: v, as: UTF8.self) != nil
    }

    public static func isDecimal(_ v: ArraySlice<UInt8>) -> Bool {
        var digits = 0
        var dot = false
        var first = true
        for c in v {
            if first && c == UInt8(ascii: "-") { first = false; continue }
            first = false
            if c == UInt8(ascii: ".") {
                if dot { return false }
                dot = true
            } else if c >= 48 && c <= 57 {
                digits += 1
            } else {
                return false
            }
        }
        return digits > 0
    }

    static func isDate(_ v: ArraySlice<UInt8>, _ s: Int) -> Bool {
        for k in 0..<8 where !(v[s + k] >= 48 && v[s + k] <= 57) { return false }
        let month = Int(v[s + 4] - 48) * 10 + Int(v[s + 5] - 48)
        let day = Int(v[s + 6] - 48) * 10 + Int(v[s + 7] - 48)
        return (1...12).contains(month) && (1...31).contains(day)
    }

    static func isTime(_ v: ArraySlice<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard e - s >= 8, v[s + 2] == UInt8(ascii: ":"), v[s + 5] == UInt8(ascii: ":") else { return false }
        for k in [0, 1, 3, 4, 6, 7] where !(v[s + k] >= 48 && v[s + k] <= 57) { return false }
        let h = Int(v[s] - 48) * 10 + Int(v[s + 1] - 48)
        let m = Int(v[s + 3] - 48) * 10 + Int(v[s + 4] - 48)
        let sec = Int(v[s + 6] - 48) * 10 + Int(v[s + 7] - 48)
        guard h < 24, m < 60, sec <= 60 else { return false }
        if e - s == 8 { return true }
        guard v[s + 8] == UInt8(ascii: "."), e - s > 9, e - s <= 9 + 9 else { return false }
        for k in (s + 9)..<e where !(v[k] >= 48 && v[k] <= 57) { return false }
        return true
    }
}
