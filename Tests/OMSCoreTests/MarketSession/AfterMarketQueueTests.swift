import OMSCore
import Testing

struct AfterMarketQueueTests {
    typealias F = SessionFixtures

    @Test func releasesDueOrdersInArrivalOrderAtTheOpen() {
        var q = AfterMarketQueue<String>()
        let open = F.ms("2026-07-01 09:00")
        let normal = F.ms("2026-07-01 09:15")
        q.hold("sl-1", releaseAt: normal)
        q.hold("lim-1", releaseAt: open)
        q.hold("lim-2", releaseAt: open)
        q.hold("next-day", releaseAt: F.ms("2026-07-02 09:00"))
        #expect(q.nextReleaseAt == open)
        let early = q.release(now: open - 1)
        #expect(early.isEmpty)
        let atOpen = q.release(now: open)
        #expect(atOpen == ["lim-1", "lim-2"])
        #expect(q.count == 2 && q.nextReleaseAt == normal)
        let later = q.release(now: F.ms("2026-07-01 10:00"))
        #expect(later == ["sl-1"])
        let again = q.release(now: F.ms("2026-07-01 10:00"))
        #expect(again.isEmpty)
        #expect(q.count == 1)
    }

    @Test func lateReleaseKeepsArrivalOrderAcrossReleaseInstants() {
        var q = AfterMarketQueue<Int>()
        q.hold(1, releaseAt: 200)
        q.hold(2, releaseAt: 100)
        q.hold(3, releaseAt: 200)
        let due = q.release(now: 500)
        #expect(due == [1, 2, 3])
        #expect(q.isEmpty && q.nextReleaseAt == nil)
    }

    @Test func holdsOnlyWhatTheGateSaysToHold() {
        var q = AfterMarketQueue<String>()
        let a = q.hold("a", per: .allowed(phase: .normalMarket))
        let b = q.hold("b", per: .holdAfterMarket(releaseAt: 42))
        #expect(!a && b)
        #expect(q.entries.map(\.order) == ["b"] && q.entries[0].releaseAt == 42)
    }

    @Test func cancelledOrdersLeaveTheQueue() {
        var q = AfterMarketQueue<String>()
        q.hold("a", releaseAt: 1)
        q.hold("b", releaseAt: 1)
        q.hold("c", releaseAt: 1)
        let removed = q.removeAll { $0 == "b" }
        #expect(removed == ["b"])
        let due = q.release(now: 1)
        #expect(due == ["a", "c"])
    }
}
