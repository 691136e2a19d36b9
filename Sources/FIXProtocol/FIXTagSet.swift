/// A set of tag numbers as a bit set: constant-time membership for the validator's hot path.
public struct FIXTagSet: Sendable, Equatable {
    @usableFromInline var words: [UInt64]

    public init() { words = [] }

    public init<S: Sequence>(_ tags: S) where S.Element == Int {
        words = []
        for t in tags { insert(t) }
    }

    @inlinable
    public func contains(_ tag: Int) -> Bool {
        guard tag >= 0 else { return false }
        let w = tag >> 6
        guard w < words.count else { return false }
        return words[w] & (1 << UInt64(tag & 63)) != 0
    }

    public mutating func insert(_ tag: Int) {
        guard tag >= 0 else { return }
        let w = tag >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
        words[w] |= 1 << UInt64(tag & 63)
    }

    public mutating func formUnion(_ other: FIXTagSet) {
        if other.words.count > words.count {
            words.append(contentsOf: repeatElement(0, count: other.words.count - words.count))
        }
        for i in other.words.indices { words[i] |= other.words[i] }
    }
}
