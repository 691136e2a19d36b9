import OMSCore
import Testing

struct FORolloverTests {
    typealias F = SessionFixtures

    static let julyFut = F.future(expiry: "2026-07-28")
    static let augFut = F.future(expiry: "2026-08-25")
    static let sepFut = F.future(expiry: "2026-09-29")
    static let bankJulyFut = F.future("BANKNIFTY", expiry: "2026-07-28", lot: 30)
    static let bankAugFut = F.future("BANKNIFTY", expiry: "2026-08-25", lot: 30)
    static let julyCall = F.option(expiry: "2026-07-28")
    static let weeklyAug4Call = F.option(expiry: "2026-08-04", weekly: true)
    static let augCall = F.option(expiry: "2026-08-25")
    static let augCallOtherStrike = F.option(expiry: "2026-08-25", strike: 25_100)
    static let augPut = F.option(expiry: "2026-08-25", type: .put)
    static let weeklyJul21Call = F.option(expiry: "2026-07-21", weekly: true)
    static let weeklyJul28Call = F.option(expiry: "2026-07-28", lot: 65, weekly: true)

    static let master = [sepFut, augFut, julyFut, bankJulyFut, bankAugFut, julyCall, weeklyAug4Call, augCall,
                         augCallOtherStrike, augPut, weeklyJul21Call]

    static let today = F.date("2026-07-28")
    static let a = ClientID("A")
    static let b = ClientID("B")

    static func position(_ i: Instrument, _ qty: Int64, _ client: ClientID = a) -> FOPosition {
        FOPosition(instrumentKey: i.key, expiryDay: i.expiryDay!, netQuantity: qty, client: client)
    }

    @Test func listsOnlyPositionsExpiringTodayWithQuantity() {
        let positions = [Self.position(Self.julyFut, 130), Self.position(Self.augFut, 65),
                         Self.position(Self.julyCall, 0), Self.position(Self.bankJulyFut, -30, Self.b)]
        let plan = FORollover.plan(positions: positions, today: Self.today, instruments: Self.master, rollClients: [])
        #expect(plan.expiring == [positions[0], positions[3]])
        #expect(plan.items.allSatisfy { $0.outcome == .notRequested })
        #expect(plan.proposals.isEmpty)
    }

    @Test func longFutureRollsIntoTheNextMonth() throws {
        let plan = FORollover.plan(positions: [Self.position(Self.julyFut, 130)], today: Self.today,
                                   instruments: Self.master, rollClients: [Self.a])
        let p = try #require(plan.proposals.first)
        #expect(p.client == Self.a)
        #expect(p.close.description == "SELL 130 \(Self.julyFut.key) NRML")
        #expect(p.open.description == "BUY 130 \(Self.augFut.key) NRML")
    }

    @Test func shortPositionRollsWithSidesSwapped() throws {
        let plan = FORollover.plan(positions: [Self.position(Self.bankJulyFut, -60)], today: Self.today,
                                   instruments: Self.master, rollClients: [Self.a])
        let p = try #require(plan.proposals.first)
        #expect(p.close.side == .buy && p.close.quantity == Quantity(60))
        #expect(p.open.side == .sell && p.open.instrumentKey == Self.bankAugFut.key)
    }

    @Test func monthlyOptionRollsIntoTheNextMonthlyWithTheSameStrikeAndType() {
        #expect(FORollover.nextSeries(after: Self.julyCall, expiryDay: Self.julyCall.expiryDay!,
                                      in: Self.master)?.key == Self.augCall.key)
    }

    @Test func weeklyOptionRollsIntoWhicheverExpiresNext() {
        #expect(FORollover.nextSeries(after: Self.weeklyJul28Call, expiryDay: Self.weeklyJul28Call.expiryDay!,
                                      in: Self.master)?.key == Self.weeklyAug4Call.key)
    }

    @Test func onlyClientsWhoAskForItGetProposals() {
        let positions = [Self.position(Self.julyFut, 65, Self.a), Self.position(Self.julyFut, 65, Self.b)]
        let plan = FORollover.plan(positions: positions, today: Self.today, instruments: Self.master,
                                   rollClients: [Self.b])
        #expect(plan.items[0].outcome == .notRequested)
        #expect(plan.proposals.map(\.client) == [Self.b])
    }

    @Test func missingNextSeriesUnknownContractAndLotChangeAreReported() {
        let lastListed = F.future("FINNIFTY", expiry: "2026-07-28", lot: 60)
        let unknown = F.future("MIDCPNIFTY", expiry: "2026-07-28", lot: 120)
        let newLot = F.future("NIFTY", expiry: "2026-08-25", lot: 75, key: "NSE_FO|NIFTY-NEWLOT")
        let plan = FORollover.plan(
            positions: [Self.position(lastListed, 60), Self.position(unknown, 120), Self.position(Self.julyFut, 130)],
            today: Self.today, instruments: [lastListed, Self.julyFut, newLot], rollClients: [Self.a])
        #expect(plan.items.map(\.outcome) == [
            .noNextSeries, .unknownContract, .lotSizeMismatch(next: newLot.key, lotSize: 75),
        ])
    }

    @Test func inactiveAndOtherSegmentContractsAreNotCandidates() {
        var inactive = Self.augFut
        inactive.active = false
        let bse = F.future(expiry: "2026-08-20", segment: .bseFO)
        #expect(FORollover.nextSeries(after: Self.julyFut, expiryDay: Self.julyFut.expiryDay!,
                                      in: [inactive, bse, Self.sepFut])?.key == Self.sepFut.key)
    }
}
