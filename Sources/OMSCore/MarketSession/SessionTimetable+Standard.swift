// The built-in timetables (shared/domain/market-sessions.md §1, §2, §4). seeds/sessions/timetables.json holds the
// same data; a test keeps the two equal. Times are IST, phases are [start, end).

extension SessionTimetable {
    /// Cash: until 2026-08-02. F&O: until 2025-12-07, from 2025-12-08 with the futures pre-open, and from
    /// 2026-08-03 with the 15:40 close. Cash from 2026-08-03 with the closing auction (CAS), from 2026-09-07 with
    /// the revised pre-open as well.
    public static let standard: [SessionTimetable] = [
        SessionTimetable(
            label: "equity-2025", markets: [.nseEquity, .bseEquity], effectiveFrom: date("2025-01-01"),
            base: preOpen + [
                .open(.normalMarket, "09:15", "15:30", types: .all, ioc: true, releasesAMO: true),
                .closed(.closingPriceCalculation, "15:30", "15:40"),
                postClose("15:40"),
            ],
            overlays: [specialPreOpen, periodicCallAuction]),
        SessionTimetable(
            label: "equity-closing-auction", markets: [.nseEquity, .bseEquity], effectiveFrom: date("2026-08-03"),
            base: preOpen + closingWithAuction,
            overlays: [closingAuction, specialPreOpen, periodicCallAuction]),
        SessionTimetable(
            label: "equity-revised-pre-open", markets: [.nseEquity, .bseEquity], effectiveFrom: date("2026-09-07"),
            base: revisedPreOpen + closingWithAuction,
            overlays: [closingAuction, specialPreOpen, periodicCallAuction]),
        SessionTimetable(
            label: "derivatives-2025", markets: [.nseDerivatives, .bseDerivatives], effectiveFrom: date("2025-01-01"),
            base: [.open(.normalMarket, "09:15", "15:30", types: .all, ioc: true, releasesAMO: true)]),
        SessionTimetable(
            label: "derivatives-futures-pre-open", markets: [.nseDerivatives, .bseDerivatives],
            effectiveFrom: date("2025-12-08"),
            base: [.open(.normalMarket, "09:15", "15:30", types: .all, ioc: true, releasesAMO: true)],
            overlays: [futuresPreOpen]),
        SessionTimetable(
            label: "derivatives-closing-auction", markets: [.nseDerivatives, .bseDerivatives],
            effectiveFrom: date("2026-08-03"),
            base: [.open(.normalMarket, "09:15", "15:40", types: .all, ioc: true, releasesAMO: true)],
            overlays: [futuresPreOpen]),
    ]

    private static func date(_ text: String) -> TradingDate { TradingDate(iso: text)! }

    /// 09:00–09:08 entry (random close in the last minute), 09:08–09:12 matching, 09:12–09:15 buffer.
    private static let preOpen: [SessionPhase] = [
        .open(.preOpenEntry, "09:00", "09:08", types: [.market, .limit], ioc: false, releasesAMO: true),
        .noEntry(.preOpenMatching, "09:08", "09:12"),
        .noEntry(.preOpenBuffer, "09:12", "09:15"),
    ]

    /// From 2026-09-07: limit + market 09:00–09:05, limit only 09:05–09:10, matching 09:10–09:12.
    private static let revisedPreOpen: [SessionPhase] = [
        .open(.preOpenEntry, "09:00", "09:05", types: [.market, .limit], ioc: false, releasesAMO: true),
        .open(.preOpenEntryLimitOnly, "09:05", "09:10", types: [.limit], tooLate: [.market], ioc: false),
        .noEntry(.preOpenMatching, "09:10", "09:12"),
        .noEntry(.preOpenBuffer, "09:12", "09:15"),
    ]

    /// Market orders only, at the closing price; CNC only. After-market orders received now are held.
    private static func postClose(_ start: String) -> SessionPhase {
        .open(.postClose, start, "16:00", types: [.market], ioc: false, products: [.cnc], holdsAMO: true)
    }

    /// The day of a non-CAS security once CAS is live: CTS to 15:30, VWAP close, post-close 15:50–16:00.
    private static let closingWithAuction: [SessionPhase] = [
        .open(.normalMarket, "09:15", "15:30", types: .all, ioc: true, releasesAMO: true),
        .closed(.closingPriceCalculation, "15:30", "15:50"),
        postClose("15:50"),
    ]

    /// CAS-eligible stocks from 2026-08-03: CTS ends 15:15; no SL and no IOC in the auction.
    private static let closingAuction = SessionOverlay(.closingAuction, "15:15", "16:00", [
        .noEntry(.closingAuctionReference, "15:15", "15:20"),
        .open(.closingAuctionEntry, "15:20", "15:25", types: [.market, .limit], ioc: false),
        .open(.closingAuctionEntryLimitOnly, "15:25", "15:30", types: [.limit], tooLate: [.market], ioc: false),
        .noEntry(.closingAuctionMatching, "15:30", "15:35"),
        .closed(.closingAuctionTransition, "15:35", "15:50"),
        postClose("15:50"),
    ])

    /// IPO / relisting day 0: call auction 09:00–10:00, then the normal market from 10:00.
    private static let specialPreOpen = SessionOverlay(.specialPreOpen, "09:00", "10:00", [
        .open(.specialPreOpenEntry, "09:00", "09:45", types: [.market, .limit], ioc: false, releasesAMO: true),
        .noEntry(.specialPreOpenMatching, "09:45", "09:55"),
        .noEntry(.specialPreOpenBuffer, "09:55", "10:00"),
    ])

    /// Hourly call auctions 09:30–15:30 (45 min entry, 8 min matching, 7 min buffer — minutes UNCONFIRMED); no
    /// other session for these securities.
    private static let periodicCallAuction = SessionOverlay(
        .periodicCallAuction, "00:00", "24:00",
        (0..<6).flatMap { hour -> [SessionPhase] in
            let start = 9 * 60 + 30 + hour * 60
            func t(_ m: Int) -> String { SessionTime(minuteOfDay: Int16(start + m)).description }
            return [
                .open(.callAuctionEntry, t(0), t(45), types: [.market, .limit], ioc: false, releasesAMO: true),
                .noEntry(.callAuctionMatching, t(45), t(53)),
                .noEntry(.callAuctionBuffer, t(53), t(60)),
            ]
        })

    /// F&O pre-open since 2025-12-08, for eligible futures only: limit + market.
    private static let futuresPreOpen = SessionOverlay(.futuresPreOpen, "09:00", "09:15", [
        .open(.preOpenEntry, "09:00", "09:08", types: [.market, .limit], ioc: false, releasesAMO: true),
        .noEntry(.preOpenMatching, "09:08", "09:12"),
        .noEntry(.preOpenBuffer, "09:12", "09:15"),
    ])
}
