@testable import OMSCore
import Testing

struct GrowingCollectionsTests {
    struct Big: Sendable, Equatable {
        var name: String
        var quantity: Int
    }

    @Test func behavesLikeADictionaryWithValueSemantics() {
        var d = BoxedDictionary<String, Big>()
        #expect(d.isEmpty && d["a"] == nil)
        d["a"] = Big(name: "A", quantity: 1)
        d["b"] = Big(name: "B", quantity: 2)
        let copy = d
        d["a"]?.quantity += 10          // a change through optional chaining stores a new box
        d["b"] = nil
        #expect(d["a"] == Big(name: "A", quantity: 11))
        #expect(d["b"] == nil && d.count == 1)
        // The copy taken before is untouched.
        #expect(copy["a"] == Big(name: "A", quantity: 1) && copy["b"]?.quantity == 2 && copy.count == 2)
        #expect(copy.values.map(\.quantity).sorted() == [1, 2])
    }

    /// Many keys over the shards: every one found again, counted once, removed once.
    @Test func manyKeysAreAllFoundAndCounted() {
        var d = BoxedDictionary<String, Int>()
        for i in 0..<10_000 { d["O-\(i)"] = i }
        for i in 0..<10_000 where i % 3 == 0 { d["O-\(i)"] = i * 2 }   // replaced, not added
        #expect(d.count == 10_000)
        #expect((0..<10_000).allSatisfy { d["O-\($0)"] == ($0 % 3 == 0 ? $0 * 2 : $0) })
        for i in 0..<5_000 { d["O-\(i)"] = nil }
        d["missing"] = nil
        #expect(d.count == 5_000 && d.values.count == 5_000 && d["O-1"] == nil && d["O-9998"] == 9998 && d["O-9999"] == 19_998)
    }

    @Test func aChunkedListKeepsEveryElementInOrder() {
        var list = ChunkedList<Int>()
        #expect(list.isEmpty)
        for i in 0..<10_000 { list.append(i) }
        #expect(list.count == 10_000 && list[0] == 0 && list[4095] == 4095 && list[4096] == 4096 && list[9_999] == 9_999)
        #expect(Array(list) == Array(0..<10_000))
    }
}
