import Foundation
import OMSCore
import Testing

struct RiskDataFilesTests {
    @Test func marketFileGivesPricesAndVolatilitiesAndReportsBadRows() {
        let m = RiskDataFiles.market(csv: """
            instrument_key,last_price,volatility_pct
            NSE_INDEX|Nifty 50,26050.00,13.00
            NSE_FO|52101,26203.10,
            NSE_EQ|X,,24
            NSE_EQ|Y,-5,
            NSE_EQ|Z,1,2,3
            """)
        #expect(m.prices == [InstrumentKey("NSE_INDEX|Nifty 50"): Price("26050")!, InstrumentKey("NSE_FO|52101"): Price("26203.1")!])
        #expect(m.volatilities == [InstrumentKey("NSE_INDEX|Nifty 50"): Rate(whole: 13), InstrumentKey("NSE_EQ|X"): Rate(whole: 24)])
        #expect(m.problems.map(\.description) == ["line 5: last_price `-5` is not a positive price",
                                                  "line 6: expected 3 fields, got 4"])
    }

    /// Closes 100 → 110 → 99: returns ln(1.1) and ln(0.9), computed here with Foundation's log.
    @Test func closesGiveLogReturnsOldestFirst() {
        let r = RiskDataFiles.returns(closesCSV: "day,A,B\n0,100,50\n1,110,50\n2,99,40\n3,x,1\n")
        #expect(r.returns[InstrumentKey("A")]!.map { ($0 * 1e12).rounded() } == [log(1.1), log(0.9)].map { ($0 * 1e12).rounded() })
        #expect(r.returns[InstrumentKey("B")]!.map { ($0 * 1e12).rounded() } == [0, log(0.8)].map { ($0 * 1e12).rounded() })
        #expect(r.problems.map(\.line) == [5])
    }

    @Test func positionsFileIsCheckedRowByRow() {
        let p = RiskDataFiles.positions(csv: """
            client_id,instrument_key,product,quantity,average_price
            DEMO04,NSE_EQ|INE528G01035,CNC,5000,25.00
            DEMO03,NSE_FO|52102,NRML,-65,26300
            DEMO03,NSE_FO|52102,XYZ,-65,26300
            DEMO03,NSE_FO|52102,NRML,0,26300
            DEMO03,NSE_FO|52102,NRML,-9223372036854775808,26300
            DEMO03,NSE_FO|52102,NRML,20000000000,500000000
            """)
        #expect(p.positions.map { "\($0.client) \($0.instrument) \($0.product.rawValue) \($0.quantity) \($0.averagePrice)" }
                == ["DEMO04 NSE_EQ|INE528G01035 CNC 5000 25", "DEMO03 NSE_FO|52102 NRML -65 26300"])
        // A quantity past 10^12 (Int64.min: abs trapped) and a value past what the books hold (it trapped at start).
        #expect(p.problems.map(\.line) == [4, 5, 6, 7])
        #expect(p.problems.last?.message == "quantity × average_price is past what the books hold")
    }
}
