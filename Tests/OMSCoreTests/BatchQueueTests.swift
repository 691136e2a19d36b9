@testable import OMSCore
import Testing

struct BatchQueueTests {
    @Test func theConsumerTakesEverythingQueuedInOrder() async {
        let q = BatchQueue<Int>()
        for i in 1...5 { q.push(i) }
        #expect(await q.next() == [1, 2, 3, 4, 5])
        q.push(6)
        q.finish()
        q.push(7)   // ignored once finished
        #expect(await q.next() == [6])
        #expect(await q.next() == nil)
    }

    @Test func aWaitingConsumerWakesForItemsPushedFromManyTasks() async {
        let q = BatchQueue<Int>()
        let consumer = Task {
            var got: [Int] = []
            while got.count < 1000, let batch = await q.next() { got += batch }
            return got
        }
        await withTaskGroup(of: Void.self) { g in
            for t in 0..<4 { g.addTask { for i in 0..<250 { q.push(t * 1000 + i) } } }
        }
        let got = await consumer.value
        #expect(got.count == 1000)
        // Each producer's items arrive in the order it pushed them.
        for t in 0..<4 { #expect(got.filter { $0 / 1000 == t } == Array(t * 1000..<t * 1000 + 250)) }
    }

    @Test func cancellingTheConsumerEndsItsWait() async {
        let q = BatchQueue<Int>()
        let consumer = Task { await q.next() }
        consumer.cancel()
        #expect(await consumer.value == nil)
    }

    /// A consumer that stopped early takes what was left; later pushes are refused (the pusher learns it).
    @Test func closingReturnsWhatWasLeftAndRefusesMore() async {
        let q = BatchQueue<Int>()
        #expect(q.push(1) && q.push(2))
        #expect(q.close() == [1, 2])
        #expect(q.push(3) == false)
        #expect(await q.next() == nil)
    }
}
