/// Value types of the QuickFIX data dictionary, reduced to what validation distinguishes.
public enum FIXFieldType: Sendable, Equatable {
    case string, char, boolean, int, float, utcTimestamp, utcDateOnly, utcTimeOnly, data, length, numInGroup
    case multipleValueString

    init(dictionaryName: String) {
        switch dictionaryName {
        case "CHAR": self = .char
        case "BOOLEAN": self = .boolean
        case "INT", "SEQNUM", "DAYOFMONTH": self = .int
        case "LENGTH": self = .length
        case "NUMINGROUP": self = .numInGroup
        case "FLOAT", "PRICE", "QTY", "AMT", "PRICEOFFSET", "PERCENTAGE": self = .float
        case "UTCTIMESTAMP", "TIME": self = .utcTimestamp
        case "UTCDATEONLY", "UTCDATE": self = .utcDateOnly
        case "UTCTIMEONLY": self = .utcTimeOnly
        case "DATA": self = .data
        case "MULTIPLEVALUESTRING", "MULTIPLESTRINGVALUE", "MULTIPLECHARVALUE": self = .multipleValueString
        default: self = .string
        }
    }
}

/// One field of the dictionary.
public struct FIXFieldDefinition: Sendable {
    public let tag: Int
    public let name: String
    public let type: FIXFieldType
    /// Allowed values, when the dictionary lists them.
    public let enumValues: [[UInt8]]?
}

/// A repeating group: its NumInGroup tag, the delimiter (first field) and what an entry may hold.
public final class FIXGroupDefinition: Sendable {
    public let countTag: Int
    public let delimiter: Int
    public let fields: FIXTagSet
    /// Member tags in dictionary order (the order entries are written in).
    public let order: [Int]
    /// Required member tags, ascending.
    public let required: [Int]
    public let groups: [Int: FIXGroupDefinition]
    /// The keys of `groups`, so that most tags are turned away without hashing.
    let groupTags: FIXTagSet

    init(countTag: Int, delimiter: Int, order: [Int], required: [Int], groups: [Int: FIXGroupDefinition]) {
        self.countTag = countTag
        self.delimiter = delimiter
        self.order = order
        self.fields = FIXTagSet(order)
        self.required = required.sorted()
        self.groups = groups
        self.groupTags = FIXTagSet(groups.keys)
    }

    /// `groups[tag]`, answering the common "not a group" case from a bit set.
    @inline(__always)
    func group(_ tag: Int) -> FIXGroupDefinition? { groupTags.contains(tag) || tag < 0 ? groups[tag] : nil }
}

/// A message (or the header or trailer): the fields it may carry, which are required, its groups.
public final class FIXMessageDefinition: Sendable {
    public let name: String
    public let msgType: String
    public let isAdmin: Bool
    /// Top-level tags (NumInGroup fields included, group members not).
    public let fields: FIXTagSet
    public let order: [Int]
    /// Required top-level tags, ascending.
    public let required: [Int]
    public let groups: [Int: FIXGroupDefinition]
    /// The keys of `groups`, so that most tags are turned away without hashing.
    let groupTags: FIXTagSet

    init(name: String, msgType: String, isAdmin: Bool, order: [Int], required: [Int],
         groups: [Int: FIXGroupDefinition]) {
        self.name = name
        self.msgType = msgType
        self.isAdmin = isAdmin
        self.order = order
        self.fields = FIXTagSet(order)
        self.required = required.sorted()
        self.groups = groups
        self.groupTags = FIXTagSet(groups.keys)
    }

    /// `groups[tag]`, answering the common "not a group" case from a bit set.
    @inline(__always)
    func group(_ tag: Int) -> FIXGroupDefinition? { groupTags.contains(tag) || tag < 0 ? groups[tag] : nil }
}

/// A FIX data dictionary in QuickFIX's XML format: fields, header, trailer and messages.
public final class FIXDataDictionary: Sendable {
    public let beginString: String
    public let fieldsByTag: [Int: FIXFieldDefinition]
    public let tagsByName: [String: Int]
    public let header: FIXMessageDefinition
    public let trailer: FIXMessageDefinition
    public let messages: [String: FIXMessageDefinition]
    /// Types indexed by tag for the hot path; nil where the tag is unknown.
    @usableFromInline let typeTable: [FIXFieldType?]
    /// Enumerated values indexed by tag (same as `fieldsByTag[tag]?.enumValues`), for the validator.
    let enumTable: [[[UInt8]]?]
    /// `messages` for the one-character MsgTypes, indexed by that character.
    let singleCharMessages: [FIXMessageDefinition?]
    let allHeaderTags: FIXTagSet
    let allTrailerTags: FIXTagSet

    init(beginString: String, fields: [FIXFieldDefinition], header: FIXMessageDefinition,
         trailer: FIXMessageDefinition, messages: [FIXMessageDefinition]) {
        self.beginString = beginString
        var byTag: [Int: FIXFieldDefinition] = [:]
        var byName: [String: Int] = [:]
        var maxTag = 0
        for f in fields {
            byTag[f.tag] = f
            byName[f.name] = f.tag
            maxTag = max(maxTag, f.tag)
        }
        var table = [FIXFieldType?](repeating: nil, count: maxTag + 1)
        for f in fields { table[f.tag] = f.type }
        var enums = [[[UInt8]]?](repeating: nil, count: maxTag + 1)
        for (tag, f) in byTag { enums[tag] = f.enumValues }
        self.fieldsByTag = byTag
        self.tagsByName = byName
        self.typeTable = table
        self.enumTable = enums
        self.header = header
        self.trailer = trailer
        var msgs: [String: FIXMessageDefinition] = [:]
        for m in messages { msgs[m.msgType] = m }
        self.messages = msgs
        // Filled by asking `msgs` itself, so that the table answers exactly as the dictionary would.
        self.singleCharMessages = (0..<128).map { msgs[String(UnicodeScalar(UInt8($0)))] }
        self.allHeaderTags = FIXDataDictionary.closure(header)
        self.allTrailerTags = FIXDataDictionary.closure(trailer)
    }

    private static func closure(_ def: FIXMessageDefinition) -> FIXTagSet {
        var set = def.fields
        func add(_ g: FIXGroupDefinition) {
            set.formUnion(g.fields)
            for sub in g.groups.values { add(sub) }
        }
        for g in def.groups.values { add(g) }
        return set
    }

    @inlinable
    public func type(of tag: Int) -> FIXFieldType? {
        guard tag >= 0, tag < typeTable.count else { return nil }
        return typeTable[tag]
    }

    @inlinable
    public func isField(_ tag: Int) -> Bool { type(of: tag) != nil }

    /// True for tags that belong in the standard header (QuickFIX's `isHeaderField`).
    public func isHeaderField(_ tag: Int) -> Bool { header.fields.contains(tag) }

    public func isTrailerField(_ tag: Int) -> Bool { trailer.fields.contains(tag) }

    public func message(_ msgType: String) -> FIXMessageDefinition? {
        var utf8 = msgType.utf8.makeIterator()
        if let c = utf8.next(), c < 128, utf8.next() == nil { return singleCharMessages[Int(c)] }
        return messages[msgType]
    }

    /// `fieldsByTag[tag]?.enumValues` without hashing.
    @inline(__always)
    func enumValues(of tag: Int) -> [[UInt8]]? {
        guard tag >= 0, tag < enumTable.count else { return nil }
        return enumTable[tag]
    }

    public func tag(named name: String) -> Int? { tagsByName[name] }
}
