#!/usr/bin/env python3
"""Writes the demo market data of the risk engine (seeds/risk/market.csv, seeds/risk/closes.csv).

Deterministic (fixed seed): index and futures levels, Black-76 option prices from the index level and a flat
volatility, and 61 daily closes per VaR factor (a correlated random walk), so that the EWMA covariance has
60 returns. Run from the repository root: python3 scripts/generate-risk-seeds.py
"""
import csv, json, math, random

random.seed(20261125)
root = "seeds/risk"
master = json.load(open("seeds/instruments/complete.json"))
bands = {}
for row in csv.DictReader(open("seeds/price_bands.csv")):
    if row["exchange"] == "NSE":
        bands[row["symbol"]] = (float(row["lower_limit"]) + float(row["upper_limit"])) / 2

index_level = {"NSE_INDEX|Nifty 50": 26050.0, "NSE_INDEX|Nifty Bank": 59200.0}
vol = {"NSE_INDEX|Nifty 50": 13.0, "NSE_INDEX|Nifty Bank": 15.0}
today = 20783  # 2026-11-26, days since 1970-01-01 (the first simulated trading day)


def ncdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def black76(cp, f, k, t, s):
    if t <= 0:
        return max(0.0, f - k) if cp == "CE" else max(0.0, k - f)
    d1 = (math.log(f / k) + 0.5 * s * s * t) / (s * math.sqrt(t))
    d2 = d1 - s * math.sqrt(t)
    return f * ncdf(d1) - k * ncdf(d2) if cp == "CE" else k * ncdf(-d2) - f * ncdf(-d1)


def tick(p, t):
    return max(t, round(p / t) * t)


rows = [(k, f"{v:.2f}", f"{vol[k]:.2f}") for k, v in index_level.items()]
stock_keys = {}
for r in master:
    if r.get("instrument_type") == "EQ" and r["segment"] == "NSE_EQ" and r["trading_symbol"] in bands:
        stock_keys[r["instrument_key"]] = r["trading_symbol"]
for r in master:
    if r["segment"] != "NSE_FO":
        continue
    u = r["underlying_key"]
    days = (r["expiry"] // 1000 + 19800) // 86400 - today
    t = r["tick_size"] / 100
    if u in index_level:
        spot = index_level[u]
    else:
        spot = bands[stock_keys[u]]
        vol.setdefault(u, 24.0)
        rows.append((u, "", f"{vol[u]:.2f}"))
    fut = spot * (1 + 0.065 * days / 365)
    if r["instrument_type"] == "FUT":
        price = tick(fut, t)
    else:
        price = tick(black76(r["instrument_type"], spot, r["strike_price"], days / 365, vol[u] / 100), t)
    rows.append((r["instrument_key"], f"{price:.2f}", ""))
with open(f"{root}/market.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["instrument_key", "last_price", "volatility_pct"])
    w.writerows(rows)

factors = ["NSE_INDEX|Nifty 50", "NSE_INDEX|Nifty Bank"] + sorted(stock_keys)
start = {k: index_level.get(k) or bands[stock_keys[k]] for k in factors}
closes = {k: [start[k]] for k in factors}
for d in range(60):
    m = random.gauss(0, 0.009)
    for k in factors:
        beta = 1.0 if k.startswith("NSE_INDEX") else 0.8
        closes[k].append(closes[k][-1] * math.exp(beta * m + random.gauss(0, 0.011)))
with open(f"{root}/closes.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["day"] + factors)  # day 0 is the oldest close
    for d in range(61):
        w.writerow([d] + [f"{closes[k][d]:.2f}" for k in factors])
