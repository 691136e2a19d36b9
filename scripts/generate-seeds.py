#!/usr/bin/env python3
"""Writes Vega's demo reference data set (seeds/) in the formats brokers and exchanges publish.

Run from the repository root: python3 scripts/generate-seeds.py [--out seeds]
The output is committed; re-run only to change the data set. Names, ISINs and series of the large caps
are real; exchange tokens, prices and the small-cap / IPO rows are illustrative.
"""
import argparse, datetime, json, os

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))

def expiry_ms(d):
    """Epoch milliseconds of 23:59:59 IST on date d, as Upstox publishes `expiry`."""
    return int(datetime.datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=IST).timestamp()) * 1000

def sym_date(d):
    return d.strftime("%d %b %y").upper()

# symbol, ISIN, name, short name, NSE token, BSE code, NSE series, BSE group, tick (paise), F&O lot (None: no F&O)
EQUITIES = [
    ("RELIANCE", "INE002A01018", "RELIANCE INDUSTRIES LTD", "Reliance Industries", "2885", "500325", "EQ", "A", 10.0, 500),
    ("TCS", "INE467B01029", "TATA CONSULTANCY SERV LT", "TCS", "11536", "532540", "EQ", "A", 10.0, 175),
    ("INFY", "INE009A01021", "INFOSYS LIMITED", "Infosys", "1594", "500209", "EQ", "A", 10.0, 400),
    ("HDFCBANK", "INE040A01034", "HDFC BANK LTD", "HDFC Bank", "1333", "500180", "EQ", "A", 10.0, 550),
    ("SBIN", "INE062A01020", "STATE BANK OF INDIA", "SBI", "3045", "500112", "EQ", "A", 5.0, 750),
    ("ICICIBANK", "INE090A01021", "ICICI BANK LTD.", "ICICI Bank", "4963", "532174", "EQ", "A", 10.0, 700),
    ("ITC", "INE154A01025", "ITC LTD", "ITC", "1660", "500875", "EQ", "A", 5.0, 1600),
    ("LT", "INE018A01030", "LARSEN & TOUBRO LTD.", "Larsen & Toubro", "11483", "500510", "EQ", "A", 10.0, 175),
    ("BHARTIARTL", "INE397D01024", "BHARTI AIRTEL LIMITED", "Bharti Airtel", "10604", "532454", "EQ", "A", 10.0, 475),
    ("AXISBANK", "INE238A01034", "AXIS BANK LIMITED", "Axis Bank", "5900", "532215", "EQ", "A", 10.0, 625),
    ("KOTAKBANK", "INE237A01028", "KOTAK MAHINDRA BANK LTD", "Kotak Mahindra Bank", "1922", "500247", "EQ", "A", 10.0, 400),
    ("HINDUNILVR", "INE030A01027", "HINDUSTAN UNILEVER LTD.", "Hindustan Unilever", "1394", "500696", "EQ", "A", 10.0, 300),
    ("WIPRO", "INE075A01022", "WIPRO LTD", "Wipro", "3787", "507685", "EQ", "A", 1.0, 3000),
    ("MARUTI", "INE585B01010", "MARUTI SUZUKI INDIA LTD.", "Maruti Suzuki", "10999", "532500", "EQ", "A", 100.0, 50),
    ("SUNPHARMA", "INE044A01036", "SUN PHARMACEUTICAL IND L", "Sun Pharma", "3351", "524715", "EQ", "A", 10.0, 350),
    ("TITAN", "INE280A01028", "TITAN COMPANY LIMITED", "Titan", "3506", "500114", "EQ", "A", 10.0, 175),
    ("NTPC", "INE733E01010", "NTPC LTD", "NTPC", "11630", "532555", "EQ", "A", 5.0, 1500),
    ("POWERGRID", "INE752E01010", "POWER GRID CORP. LTD.", "Power Grid", "14977", "532898", "EQ", "A", 5.0, 1900),
    ("ONGC", "INE213A01029", "OIL AND NATURAL GAS CORP.", "ONGC", "2475", "500312", "EQ", "A", 5.0, 2250),
    ("COALINDIA", "INE522F01014", "COAL INDIA LTD", "Coal India", "20374", "533278", "EQ", "A", 5.0, 1350),
    ("ULTRACEMCO", "INE481G01011", "ULTRATECH CEMENT LIMITED", "UltraTech Cement", "11532", "532538", "EQ", "A", 100.0, 50),
    ("ASIANPAINT", "INE021A01026", "ASIAN PAINTS LIMITED", "Asian Paints", "236", "500820", "EQ", "A", 10.0, 250),
    ("YESBANK", "INE528G01035", "YES BANK LIMITED", "Yes Bank", "11915", "532648", "EQ", "A", 1.0, None),
    ("IDEA", "INE669E01016", "VODAFONE IDEA LIMITED", "Vodafone Idea", "14366", "532822", "EQ", "A", 1.0, None),
    ("NIFTYBEES", "INF204KB14I2", "NIP IND ETF NIFTY BEES", "Nifty BeES", "10576", None, "EQ", None, 1.0, None),
    # Trade-for-trade (BE series on NSE, T group on BSE); tokens illustrative.
    ("JOCIL", "INE839G01010", "JOCIL LIMITED", "JOCIL", "16931", "533320", "BE", "T", 1.0, None),
    ("SHAHALLOYS", "INE640C01011", "SHAH ALLOYS LIMITED", "Shah Alloys", "21540", "513436", "BE", "T", 1.0, None),
    ("BLBLIMITED", "INE791A01024", "BLB LIMITED", "BLB", "17806", "532290", "BE", "XT", 1.0, None),
    # Suspended by the broker (and in BZ series).
    ("RCOM", "INE330H01018", "RELIANCE COMMUNICATIONS L", "Reliance Communications", "13187", "532712", "BZ", "Z", 1.0, None),
    # Listing today (IPO day 0) and relisting today: illustrative.
    ("AURAFIN", "INE0AUR01014", "AURA FINANCE LIMITED", "Aura Finance", "25871", "544612", "EQ", "B", 5.0, None),
    ("KESARPOWER", "INE0KSP01016", "KESAR POWER LIMITED", "Kesar Power", "25872", "544613", "EQ", "B", 5.0, None),
]

INDICES = [
    ("NSE_INDEX", "NSE", "Nifty 50", "NIFTY", "26000"),
    ("NSE_INDEX", "NSE", "Nifty Bank", "BANKNIFTY", "26009"),
    ("NSE_INDEX", "NSE", "Nifty Fin Service", "FINNIFTY", "26037"),
    ("NSE_INDEX", "NSE", "Nifty IT", "NIFTY IT", "26008"),
    ("BSE_INDEX", "BSE", "SENSEX", "SENSEX", "1"),
    ("BSE_INDEX", "BSE", "BANKEX", "BANKEX", "12"),
]

def equity_rows():
    rows = []
    for (sym, isin, name, short, ntok, bcode, series, group, tick, _lot) in EQUITIES:
        rows.append({"segment": "NSE_EQ", "name": name, "exchange": "NSE", "isin": isin, "instrument_type": series,
                     "instrument_key": f"NSE_EQ|{isin}", "lot_size": 1, "freeze_quantity": 100000.0,
                     "exchange_token": ntok, "tick_size": tick, "trading_symbol": sym, "short_name": short,
                     "security_type": "NORMAL", "qty_multiplier": 1.0})
        if bcode:
            rows.append({"segment": "BSE_EQ", "name": name, "exchange": "BSE", "isin": isin, "instrument_type": group,
                         "instrument_key": f"BSE_EQ|{isin}", "lot_size": 1, "freeze_quantity": 100000.0,
                         "exchange_token": bcode, "tick_size": tick, "trading_symbol": sym, "short_name": short,
                         "security_type": "NORMAL", "qty_multiplier": 1.0})
    return rows

def index_rows():
    return [{"segment": seg, "name": name, "exchange": ex, "instrument_type": "INDEX",
             "instrument_key": f"{seg}|{name}", "exchange_token": tok, "trading_symbol": sym}
            for (seg, ex, name, sym, tok) in INDICES]

class Tokens:
    def __init__(self, start): self.n = start
    def next(self):
        self.n += 1
        return str(self.n)

def fo_row(tok, underlying, underlying_key, utype, lot, freeze, d, weekly, itype, strike):
    sym = f"{underlying} FUT {sym_date(d)}" if itype == "FUT" else f"{underlying} {strike} {itype} {sym_date(d)}"
    return {"weekly": weekly, "segment": "NSE_FO", "name": underlying, "exchange": "NSE", "expiry": expiry_ms(d),
            "instrument_type": itype, "asset_symbol": underlying, "underlying_symbol": underlying,
            "instrument_key": f"NSE_FO|{tok}", "lot_size": lot, "freeze_quantity": float(freeze),
            "exchange_token": tok, "minimum_lot": lot, "underlying_key": underlying_key,
            "tick_size": 10.0 if itype == "FUT" else 5.0, "underlying_type": utype, "trading_symbol": sym,
            "strike_price": float(strike), "qty_multiplier": 1.0}

def derivative_rows():
    t = Tokens(52100)
    D = datetime.date
    monthly = [D(2026, 12, 29), D(2027, 1, 25), D(2027, 2, 23)]  # 26-Jan-2027 is Republic Day
    rows = []
    for d in monthly:
        rows.append(fo_row(t.next(), "NIFTY", "NSE_INDEX|Nifty 50", "INDEX", 65, 1800, d, False, "FUT", 0))
    for d in monthly[:2]:
        rows.append(fo_row(t.next(), "BANKNIFTY", "NSE_INDEX|Nifty Bank", "INDEX", 30, 600, d, False, "FUT", 0))
    for d, weekly in [(D(2026, 12, 1), True), (D(2026, 12, 8), True), (D(2026, 12, 29), False)]:
        for strike in range(25800, 26700, 100):
            for ot in ("CE", "PE"):
                rows.append(fo_row(t.next(), "NIFTY", "NSE_INDEX|Nifty 50", "INDEX", 65, 1800, d, weekly, ot, strike))
    for strike in range(58000, 60500, 500):
        for ot in ("CE", "PE"):
            rows.append(fo_row(t.next(), "BANKNIFTY", "NSE_INDEX|Nifty Bank", "INDEX", 30, 600, D(2026, 12, 29), False, ot, strike))
    for (sym, isin, *_rest) in EQUITIES:
        lot = _rest[-1]
        if lot and sym in ("RELIANCE", "SBIN", "INFY", "TCS", "HDFCBANK"):
            rows.append(fo_row(t.next(), sym, f"NSE_EQ|{isin}", "EQUITY", lot, lot * 20, D(2026, 12, 29), False, "FUT", 0))
    return rows

def by_key(rows):
    return {r["instrument_key"]: r for r in rows}

def write_json(path, rows):
    with open(path, "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows) + "\n]\n")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="seeds")
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "instruments"), exist_ok=True)
    eq = equity_rows()
    bod = eq + index_rows() + derivative_rows()
    write_json(os.path.join(a.out, "instruments", "complete.json"), bod)
    keys = by_key(eq)
    no_mis = {"JOCIL", "SHAHALLOYS", "BLBLIMITED", "RCOM", "AURAFIN", "KESARPOWER"}
    margins = {"YESBANK": (50, 2), "IDEA": (50, 2), "NIFTYBEES": (25, 4), "MARUTI": (25, 4)}
    def mis(exchange):
        out = []
        for (sym, isin, *_r) in EQUITIES:
            r = keys.get(f"{exchange}_EQ|{isin}")
            if not r or sym in no_mis: continue
            m, l = margins.get(sym, (20, 5))
            out.append(dict(r, intraday_margin=m, intraday_leverage=l))
        return out
    write_json(os.path.join(a.out, "instruments", "NSE_MIS.json"), mis("NSE"))
    write_json(os.path.join(a.out, "instruments", "BSE_MIS.json"), mis("BSE")[:10])
    brackets = {"RELIANCE": 26.5, "TCS": 25.0, "INFY": 25.0, "HDFCBANK": 22.5, "SBIN": 27.5, "ICICIBANK": 22.5,
                "ITC": 25.0, "LT": 26.0, "BHARTIARTL": 25.0, "AXISBANK": 27.0, "KOTAKBANK": 25.0, "TITAN": 30.0,
                "NTPC": 30.0, "POWERGRID": 30.0, "SUNPHARMA": 27.5, "NIFTYBEES": 20.0}
    mtf = []
    for (sym, isin, *_r) in EQUITIES:
        if sym in brackets:
            mtf.append(dict(keys[f"NSE_EQ|{isin}"], mtf_enabled=True, mtf_bracket=brackets[sym]))
    write_json(os.path.join(a.out, "instruments", "MTF.json"), mtf)
    rcom = [r for r in eq if r["trading_symbol"] == "RCOM"]
    write_json(os.path.join(a.out, "instruments", "suspended-instrument.json"), rcom)

    with open(os.path.join(a.out, "price_bands.csv"), "w") as f:
        f.write("date,exchange,symbol,lower_limit,upper_limit\n")
        closes = {"RELIANCE": 1542.30, "TCS": 3318.40, "INFY": 1611.90, "HDFCBANK": 1004.55, "SBIN": 968.15,
                  "ICICIBANK": 1391.20, "ITC": 402.35, "YESBANK": 22.41, "IDEA": 9.87, "NIFTYBEES": 291.62,
                  "JOCIL": 181.40, "SHAHALLOYS": 58.20, "BLBLIMITED": 17.35, "AURAFIN": 312.00, "KESARPOWER": 64.50}
        bands = {"YESBANK": 0.20, "IDEA": 0.20, "NIFTYBEES": 0.20, "JOCIL": 0.05, "SHAHALLOYS": 0.05,
                 "BLBLIMITED": 0.02, "AURAFIN": 0.20, "KESARPOWER": 0.05}
        for sym, close in closes.items():
            b = bands.get(sym, 0.10)  # F&O stocks: the initial 10 % operating range
            for ex in ("NSE", "BSE") if sym not in ("NIFTYBEES",) else ("NSE",):
                lo, hi = round(close * (1 - b) / 0.05) * 0.05, round(close * (1 + b) / 0.05) * 0.05
                f.write(f"2026-11-25,{ex},{sym},{lo:.2f},{hi:.2f}\n")
    with open(os.path.join(a.out, "surveillance.csv"), "w") as f:
        f.write("date,exchange,symbol,framework,stage\n")
        f.write("2026-11-25,NSE,SHAHALLOYS,GSM,II\n2026-11-25,NSE,BLBLIMITED,ESM,I\n"
                "2026-11-25,NSE,IDEA,ST-ASM,I\n2026-11-25,BSE,SHAHALLOYS,GSM,II\n")
    with open(os.path.join(a.out, "ipo_day0.csv"), "w") as f:
        f.write("date,exchange,symbol,event,issue_price\n")
        f.write("2026-11-25,NSE,AURAFIN,IPO,312\n2026-11-25,BSE,AURAFIN,IPO,312\n2026-11-25,NSE,KESARPOWER,RELISTING,\n")
    with open(os.path.join(a.out, "t2t_series.csv"), "w") as f:
        f.write("exchange,series,description\n")
        f.write("NSE,BE,Trade for trade (rolling settlement suspended)\nNSE,BZ,Trade for trade: non-compliant with listing rules\n"
                "NSE,ST,SME trade for trade\nNSE,SZ,SME trade for trade: non-compliant\n"
                "BSE,T,Trade for trade\nBSE,XT,Trade for trade (X group)\nBSE,Z,Non-compliant companies\n")
    holidays = [("2026-01-15", "Municipal Corporation elections in Maharashtra"), ("2026-01-26", "Republic Day"),
                ("2026-03-03", "Holi"), ("2026-03-26", "Shri Ram Navami"), ("2026-03-31", "Shri Mahavir Jayanti"),
                ("2026-04-03", "Good Friday"), ("2026-04-14", "Dr. Baba Saheb Ambedkar Jayanti"),
                ("2026-05-01", "Maharashtra Day"), ("2026-05-28", "Bakri Id"), ("2026-06-26", "Muharram"),
                ("2026-09-14", "Ganesh Chaturthi"), ("2026-10-02", "Mahatma Gandhi Jayanti"), ("2026-10-20", "Dussehra"),
                ("2026-11-10", "Diwali Balipratipada"), ("2026-11-24", "Prakash Gurpurb Sri Guru Nanak Dev"),
                ("2026-12-25", "Christmas"), ("2027-01-26", "Republic Day")]
    with open(os.path.join(a.out, "holidays.csv"), "w") as f:
        f.write("date,exchange,holiday_type,description,open_time,close_time\n")
        for ex in ("NSE", "BSE"):
            for d, desc in holidays:
                f.write(f"{d},{ex},TRADING_HOLIDAY,{desc},,\n")
            f.write(f"2026-11-08,{ex},SPECIAL_TIMING,Muhurat trading (Diwali Laxmi Pujan; timings illustrative),18:00,19:00\n")
    with open(os.path.join(a.out, "client_products.csv"), "w") as f:
        f.write("client_id,products\nDEMO01,\"CNC,MIS,MTF,NRML\"\nDEMO02,CNC\nDEMO03,\"CNC,MIS,NRML\"\n")
    print(f"wrote {len(bod)} instruments to {a.out}/instruments/complete.json")

if __name__ == "__main__":
    main()
