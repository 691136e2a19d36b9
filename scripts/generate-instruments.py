#!/usr/bin/env python3
"""Writes a large synthetic Upstox-style complete.json.gz (a JSON array of instrument records) for benchmarks.

  python3 scripts/generate-instruments.py --count 250000 --out /tmp/complete-250k.json.gz

Records look like the published ones (see shared/domain/instruments.md): NSE/BSE equities, indices,
and NSE_FO/BSE_FO futures and options on many underlyings over weekly and monthly expiries. Keys and
(trading_symbol, segment) pairs are unique. --seed makes a different but equally valid file;
--change N alters N records (a new exchange token: an update) to measure a re-load with changes.
"""
import argparse, datetime, gzip, json, random

IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

def expiry_ms(d):
    return int(datetime.datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=IST).timestamp()) * 1000

def isin(n):
    return "INE%03d%s01%03d" % (n % 1000, LETTERS[(n // 1000) % 26] + LETTERS[(n // 26000) % 26], n % 1000)

def symbol(n):
    s = ""
    n += 26 * 26
    while n:
        s = LETTERS[n % 26] + s
        n //= 26
    return "SYN" + s

def records(count, rnd):
    tuesdays = []
    d = datetime.date(2026, 12, 1)
    while len(tuesdays) < 12:
        tuesdays.append(d)
        d += datetime.timedelta(days=7)
    n_eq = max(1, count // 25)           # 4 % cash (NSE + BSE)
    n_under = max(1, count // 1250)      # underlyings with F&O
    out = []
    for i in range(n_eq):
        sym = symbol(i)
        code = isin(i)
        series = "BE" if i % 37 == 0 else "EQ"
        for seg, ex, typ, tok in (("NSE_EQ", "NSE", series, 100000 + i), ("BSE_EQ", "BSE", "A", 500000 + i)):
            out.append({"segment": seg, "name": f"{sym} INDUSTRIES LIMITED", "exchange": ex, "isin": code,
                        "instrument_type": typ, "instrument_key": f"{seg}|{code}", "lot_size": 1,
                        "freeze_quantity": 100000.0, "exchange_token": str(tok), "tick_size": 5.0,
                        "trading_symbol": sym, "short_name": f"{sym.title()} Industries", "security_type": "NORMAL",
                        "qty_multiplier": 1.0})
            if len(out) >= count:
                return out
    token = 1_000_000
    u = 0
    offset = rnd.randrange(2000)
    while len(out) < count:
        uidx = u % max(1, n_under)
        under = symbol(uidx)
        cycle = u // max(1, n_under)
        u += 1
        lot = 25 * (1 + uidx % 20)
        base = 100 * (10 + (uidx * 7919 + offset) % 2000)
        weekly = (uidx % 10 == 0)
        expiries = tuesdays if weekly else [tuesdays[3], tuesdays[7], tuesdays[11]]
        for d in expiries:
            ds = d.strftime("%d %b %y").upper()
            items = [("FUT", 0)] if not weekly else []
            for k in range(-10, 11):
                strike = base + (k + 21 * cycle) * 50
                items += [("CE", strike), ("PE", strike)]
            for typ, strike in items:
                token += 1
                if typ == "FUT" and cycle > 0:
                    continue
                sym = f"{under} FUT {ds}" if typ == "FUT" else f"{under} {strike} {typ} {ds}"
                out.append({"weekly": weekly and typ != "FUT", "segment": "NSE_FO", "name": under, "exchange": "NSE",
                            "expiry": expiry_ms(d), "instrument_type": typ, "asset_symbol": under,
                            "underlying_symbol": under, "instrument_key": f"NSE_FO|{token}", "lot_size": lot,
                            "freeze_quantity": float(lot * 24), "exchange_token": str(token), "minimum_lot": lot,
                            "underlying_key": f"NSE_EQ|{isin(uidx)}", "tick_size": 5.0 if typ != "FUT" else 10.0,
                            "underlying_type": "EQUITY", "trading_symbol": sym, "strike_price": float(strike),
                            "qty_multiplier": 1.0})
                if len(out) >= count:
                    return out
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=250_000)
    ap.add_argument("--out", default="complete.json.gz")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--change", type=int, default=0, help="alter this many records (new exchange_token)")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    recs = records(a.count, rnd)
    for r in rnd.sample(recs, min(a.change, len(recs))):
        r["exchange_token"] = str(int(r["exchange_token"]) + 90_000_000)
    opener = gzip.open if a.out.endswith(".gz") else open
    with opener(a.out, "wt", encoding="utf-8", **({"compresslevel": 6} if a.out.endswith(".gz") else {})) as f:
        f.write("[")
        for i, r in enumerate(recs):
            if i:
                f.write(",")
            f.write(json.dumps(r, separators=(",", ":")))
        f.write("]")
    print(f"wrote {len(recs)} records to {a.out}")

if __name__ == "__main__":
    main()
