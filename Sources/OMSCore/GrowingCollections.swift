/// A dictionary for tables that grow all day (the engine's orders and ClOrdIDs, the paper broker's book)
/// without stopping their actor when they grow.
///
/// A `Dictionary` grows by allocating a table twice the size and rehashing every entry into it: past 24k,
/// 49k, 98k … entries one insert does all of that at once — with values of a few hundred bytes, tens of
/// megabytes of fresh memory (page faults) and tens to hundreds of milliseconds during which no order moves.
/// Here the entries are spread over 64 shards by hash, so a growth rehashes one shard (1/64 of the entries),
/// and each value sits behind one reference, so a shard's table holds a key and a pointer per entry.
/// Values are immutable once boxed (a change stores a new box), so copies keep value semantics.
public struct BoxedDictionary<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    // Inlinable, so that the engine's and the paper broker's uses are specialised for their key and value
    // types (unspecialised, every access looked up generic metadata at run time).
    @usableFromInline
    final class Box: Sendable {
        @usableFromInline let value: Value
        @inlinable init(_ value: Value) { self.value = value }
    }

    @inlinable static var shardCount: Int { 64 }
    @usableFromInline var shards = [[Key: Box]](repeating: [:], count: BoxedDictionary.shardCount)
    @usableFromInline var storedCount = 0

    @inlinable public init() {}

    @inlinable public var count: Int { storedCount }

    @inlinable @inline(__always)
    static func shard(_ key: Key) -> Int { Int(UInt(bitPattern: key.hashValue) % UInt(shardCount)) }

    @inlinable
    public subscript(key: Key) -> Value? {
        get { shards[Self.shard(key)][key]?.value }
        set {
            let s = Self.shard(key)
            if let newValue {
                if shards[s].updateValue(Box(newValue), forKey: key) == nil { storedCount += 1 }
            } else if shards[s].removeValue(forKey: key) != nil {
                storedCount -= 1
            }
        }
    }

    @inlinable public var isEmpty: Bool { storedCount == 0 }
    /// The values, in no particular order.
    @inlinable public var values: [Value] { shards.flatMap { $0.values.map(\.value) } }
}

/// An append-only list that grows in chunks of 4,096 elements: appending never copies what is already there
/// (an `Array` past 64k, 128k … elements allocates and copies the whole list in one append), so a list that
/// grows all day (the paper broker's trade book) never stops its actor.
public struct ChunkedList<Element: Sendable>: Sendable, RandomAccessCollection {
    static var chunkSize: Int { 4096 }
    private var chunks: [[Element]] = []
    public private(set) var count = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        chunks[position / Self.chunkSize][position % Self.chunkSize]
    }

    public mutating func append(_ element: Element) {
        if count % Self.chunkSize == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }
}
