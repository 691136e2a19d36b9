#!/usr/bin/env python3
"""Model-based fuzzing of vega-oms's order flow over real sockets (run by scripts/order-fuzz.sh).

Phase `trade`: logs on as the demo client CLIENT1 and as the drop copy DROPCOPY, sends COUNT random but
well-formed requests for the clients DEMO01 and DEMO02 — NewOrderSingle (market and limit, near the paper broker's moving
price, so that orders rest, fill in parts and fill), OrderCancelRequest, OrderCancelReplaceRequest (quantities
below, at and above what is filled; a ClOrdID used before), OrderStatusRequest, an operator's cancel over
REST (POST /api/order/cancel: 200 or 409), for live and finished orders; orders entered over REST
(POST /api/order/place) for the client WEB01, whose limits it sets over REST and whose reports it takes from
the drop copy —
and runs every report it gets through a model of each order. The model's state is saved to STATE.
Three times the client's connection drops and it logs on again without a reset, asking for what it missed.
At the end it sends a burst of 40 requests (new orders, cancels and replaces of live orders) and stops the server
while it works on them (VEGA_PID; odd seeds SIGKILL, even seeds SIGTERM, a graceful stop).
Phase `restart` (after the server was started again on the same database): logs on again with the next
sequence numbers (no reset), takes what the server resends, resends what the server asks for (PossDupFlag=Y), asks the status of every
order, cancels the live ones and checks the result against the saved model.

Checks on every ExecutionReport (FIX 4.4 semantics):
- ExecIDs unique (a resend with PossDupFlag=Y may repeat one); CumQty never falls and grows only by a Trade's
  LastQty (> 0, with LastPx > 0); CumQty <= OrderQty; LeavesQty = OrderQty - CumQty while the order lives,
  0 once it is done; Filled means CumQty = OrderQty; AvgPx = sum(LastQty x LastPx) / CumQty;
- nothing after a terminal state (Filled, Canceled, Rejected, Expired) but status reports that say so;
- a status report (ExecType=I) says what the model says (OrdStatus, CumQty, LeavesQty);
- a refusal for too many open orders counts the orders the reports leave open, plus the new one;
- every request answered (ExecutionReport or OrderCancelReject for its ClOrdID), no Reject or
  BusinessMessageReject (every request is well-formed);
- the drop copy received every ExecutionReport the client did (status reports aside);
- GET /api/portfolio?client=C for each client: each position's net quantity is the sum of the fills; a CNC
  (delivery) position never goes short (neither client carries any);
- GET /api/limits/C's usage for each client: the risk engine's open orders are those the reports leave open, its net
  positions the fills', and once every order is done nothing is working and the open value is 0;
- immediate-or-cancel orders never rest: done once the flow settles;
- after the restart: the drop copy, logged on again without a reset, has every report of the whole run
  (what it missed is resent); no ExecutionReport lost (sequence numbers continue, gaps are resent), every order of the
  burst answered (before the kill, by a resend, or after the server asked for it again), every order's status
  as the model left it (or moved on by reports that came after), a cancel still works, and a CNC sell of one
  share more than the fills left is refused (RISK_HOLDINGS) naming exactly what is held.

usage: order_fuzz.py trade FIX_PORT HTTP_PORT SEED COUNT STATE VEGA_PID
       order_fuzz.py restart FIX_PORT HTTP_PORT STATE"""
import json, os, random, signal, socket, sys, time, urllib.error, urllib.request
from decimal import Decimal
from fixwire import check_frame, frame, split_frames, ts

ACCOUNTS = ["DEMO01", "DEMO02"]   # demo clients with limits (DEMO02: 10 open orders), no carried positions
# Orders entered over REST (POST /api/order/place) are this client's, with limits set over REST at the start. Their
# reports reach no FIX session: the model takes them from the drop copy (ClOrdIDs "W...").
REST_ACCOUNT = "WEB01"
ALL_ACCOUNTS = ACCOUNTS + [REST_ACCOUNT]
# Price-band midpoints of seeds/price_bands.csv (where the paper broker's prices start), ticks of 0.10 suit all.
MID = {"RELIANCE": Decimal("1542.30"), "TCS": Decimal("3318.40"), "INFY": Decimal("1611.90"),
       "HDFCBANK": Decimal("1004.55"), "SBIN": Decimal("968.15")}
FUTURE = {"NIFTY": ("NSE_FO|52101", Decimal("26203.10"))}   # symbol -> instrument key, last price (seeds/risk)
TERMINAL = {"2", "4", "8", "C"}
BURST = 40   # requests sent just before the stop
ISIN = {"RELIANCE": "INE002A01018", "TCS": "INE467B01029", "INFY": "INE009A01021", "HDFCBANK": "INE040A01034",
        "SBIN": "INE062A01020"}
failures = []

def fail(text):
    failures.append(text)
    print("order-fuzz: FAIL: " + text, flush=True)

class Session:
    """One FIX session to VEGA; `on_app` gets every application message (resent ones included)."""
    def __init__(self, port, sender, password, on_app, seq=1, expected=1, reset=True, resends=0, sent_app=None):
        self.sender, self.on_app = sender, on_app
        self.sent_app = sent_app if sent_app is not None else {}  # MsgSeqNum -> (MsgType, fields) for resends
        self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf, self.seq, self.expected, self.pending_resend = b"", seq, expected, None
        self.queued, self.resends, self.resent = {}, resends, 0
        self.send("A", [(98, 0), (108, 5), (141, "Y" if reset else "N"), (553, sender), (554, password)])
        if not self.pump(5, until=lambda m: m[35] == "A"):
            raise SystemExit("order-fuzz: %s got no Logon answer" % sender)

    def send(self, msg_type, fields, seq=None, extra=()):
        head = [(35, msg_type), (34, self.seq if seq is None else seq), (49, self.sender), (52, ts()), (56, "VEGA")]
        self.s.sendall(frame(head + list(extra) + fields))
        if seq is None:
            if msg_type in ("D", "F", "G", "H"): self.sent_app[self.seq] = (msg_type, fields)
            self.seq += 1

    def resend(self, begin, end):
        """Answers a ResendRequest: application messages again with PossDupFlag=Y, a gap fill for the rest."""
        end = self.seq - 1 if end == 0 or end >= self.seq else end
        n = begin
        while n <= end:
            if n in self.sent_app:
                msg_type, fields = self.sent_app[n]
                self.resent += 1
                self.send(msg_type, fields, seq=n, extra=[(43, "Y"), (122, ts())])
                n += 1
            else:
                nxt = min([k for k in self.sent_app if n < k <= end] + [end + 1])
                self.send("4", [(123, "Y"), (36, nxt)], seq=n, extra=[(43, "Y"), (122, ts())])
                n = nxt

    def pump(self, wait, until=None):
        end = time.time() + wait
        while True:
            left = end - time.time()
            if left <= 0: return False
            self.s.settimeout(min(left, 0.2))
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                continue
            if not d: raise ConnectionError("%s: the server closed the connection" % self.sender)
            frames, self.buf = split_frames(self.buf + d)
            found = False
            for f in frames:
                m = {t: v.decode() for t, v in check_frame(f).items()}
                self.handle(m)
                found = found or bool(until and until(m))
            if found: return True

    def handle(self, m):
        """Delivers messages in sequence, as a FIX engine does: a gap is asked for once (ResendRequest) and what
        comes after it waits until it is filled, so that the model sees every order's reports in order."""
        t, n = m[35], int(m[34])
        if t == "A" or t == "5":
            if t == "5": raise ConnectionError("%s: logged out: %s" % (self.sender, m.get(58)))
            if n > self.expected: self.ask_resend(n)
            elif n == self.expected: self.expected += 1
            return
        if t == "4" and m.get(123) != "Y":  # SequenceReset-Reset
            self.expected = int(m[36]); self.drain(); return
        if n < self.expected:
            if m.get(43) != "Y": raise ConnectionError("%s: MsgSeqNum %d below %d" % (self.sender, n, self.expected))
            return
        if n > self.expected:
            self.queued[n] = m
            self.ask_resend(n)
            return
        self.process(m)
        self.drain()

    def ask_resend(self, n):
        if self.pending_resend is None:
            self.pending_resend = (self.expected, n - 1)
            self.resends += 1
            # The gap itself (EndSeqNo = the message before the one that showed it): asking for "everything"
            # (0) again on every later gap would have the server resend the same messages over and over.
            self.send("2", [(7, self.expected), (16, n - 1)])

    def drain(self):
        while self.expected in self.queued:
            self.process(self.queued.pop(self.expected))
        if self.pending_resend and self.expected > self.pending_resend[1]:
            self.pending_resend = None
        if self.queued and self.pending_resend is None:
            self.ask_resend(min(self.queued))

    def process(self, m):
        t = m[35]
        self.expected = int(m[36]) if t == "4" else self.expected + 1
        if t == "1": self.send("0", [(112, m.get(112, ""))])
        elif t == "2": self.resend(int(m[7]), int(m.get(16, "0")))
        elif t in ("0", "4"): pass
        else: self.on_app(m)

class Model:
    def __init__(self, state=None):
        s = state or {}
        self.orders = s.get("orders", {})        # OrderID -> {qty, cum, notional, status, symbol, side, product, clOrdID}
        self.by_clordid = s.get("by_clordid", {})  # ClOrdID -> OrderID (or None for a request without an order yet)
        self.unanswered = set(s.get("unanswered", []))
        self.exec_ids = set(s.get("exec_ids", []))
        self.client_execs = set(s.get("client_execs", []))
        self.net = s.get("net", {})              # "ACCOUNT|SYMBOL|PRODUCT" -> net filled quantity
        self.account_of = s.get("account_of", {})  # ClOrdID of a new order -> its Account (1)
        self.reports = s.get("reports", 0)
        self.ioc = set(s.get("ioc", []))           # ClOrdIDs of immediate-or-cancel orders
        self.rejects = {}                          # ClOrdID -> (5006, 58) of a rejected new order
        self.no_order = set(s.get("no_order", []))  # ClOrdIDs of status requests naming no order

    def state(self):
        return {"orders": self.orders, "by_clordid": self.by_clordid, "unanswered": sorted(self.unanswered),
                "exec_ids": sorted(self.exec_ids), "client_execs": sorted(self.client_execs), "net": self.net,
                "reports": self.reports, "ioc": sorted(self.ioc), "account_of": self.account_of,
                "no_order": sorted(self.no_order)}

    def app(self, m):
        t = m[35]
        if t == "8": self.report(m)
        elif t == "9":
            self.unanswered.discard(m.get(11))
            o = self.orders.get(m.get(37))
            if o and m.get(39):
                # OrdStatus is the order's after the reject: the pending request it refuses is over (a replace
                # refused after fills came meanwhile leaves the order partly filled); any other reject leaves the
                # order as it was.
                if o.get("pending") == m.get(11):
                    if m[39] in ("E", "6"): fail("OrderCancelReject for %s ends its pending request but says 39=%s" % (m[37], m[39]))
                    o["status"], o["pending"] = m[39], None
                    if m.get(41): o["clOrdID"] = m[41]   # the order keeps the ClOrdID it had
                elif m[39] != o["status"]:
                    fail("OrderCancelReject for %s says OrdStatus=%s, the order is %s" % (m[37], m[39], o["status"]))
        elif t == "j" and m.get(372) == "H" and m.get(380) == "1" and m.get(379) in self.no_order:
            self.unanswered.discard(m[379])
        else:
            fail("the server answered a well-formed request with MsgType %s: %s" % (t, m.get(58)))
            self.unanswered.discard(m.get(11))

    def report(self, m):
        self.reports += 1
        exec_id, order_id, et, st = m.get(17), m.get(37), m.get(150), m.get(39)
        if exec_id in self.exec_ids:
            if m.get(43) != "Y": fail("ExecID %s repeated without PossDupFlag" % exec_id)
            return
        self.exec_ids.add(exec_id)
        if et != "I": self.client_execs.add(exec_id)
        self.unanswered.discard(m.get(11))
        for tag in (37, 17, 150, 39, 14, 151, 6, 38):
            if tag not in m: fail("ExecutionReport %s without tag %d" % (exec_id, tag)); return
        cum, leaves, qty, avg = Decimal(m[14]), Decimal(m[151]), Decimal(m[38]), Decimal(m[6])
        if et == "8" and st == "8" and (order_id == "NONE" or order_id not in self.orders):
            if cum != 0 or leaves != 0: fail("a rejected order with CumQty %s LeavesQty %s" % (cum, leaves))
            text = m.get(58, "")
            if "rule=maxOpenOrders" in text:
                # The risk engine's count of open orders is the client's: every order reported and not done
                # (a count that leaks on fills, cancels or replaces shows here).
                counted = int(text.split("value=")[1].split()[0])
                account = self.account_of.get(m[11])
                open_now = len(live(self, account))
                if counted != open_now + 1:
                    fail("%s counts %d open orders with this one, the reports %d" % (text, counted, open_now + 1))
            self.orders.setdefault(order_id, {"status": "8", "cum": 0, "qty": 0, "notional": "0", "clOrdID": m[11]})
            self.rejects[m[11]] = (m.get(5006), m.get(58, ""))
            return
        o = self.orders.get(order_id)
        if o is None:
            o = self.orders[order_id] = {"qty": int(qty), "cum": 0, "notional": "0", "status": None, "symbol": (m.get(55) or "?").split()[0],
                                         "side": m.get(54), "product": m.get(5001, "CNC"), "clOrdID": m[11],
                                         "current": m[11], "first": m[11], "account": self.account_of.get(m[11], ACCOUNTS[0])}
        self.by_clordid[m[11]] = order_id
        where = "order %s ExecID %s (150=%s 39=%s)" % (order_id, exec_id, et, st)
        if o["status"] in TERMINAL and et != "I":
            fail("%s after the terminal OrdStatus %s" % (where, o["status"]))
        if et == "F":
            last_qty, last_px = Decimal(m.get(32, "0")), Decimal(m.get(31, "0"))
            if last_qty <= 0 or last_px <= 0: fail("%s: a Trade with LastQty %s LastPx %s" % (where, last_qty, last_px))
            if cum != o["cum"] + last_qty: fail("%s: CumQty %s after %s and LastQty %s" % (where, cum, o["cum"], last_qty))
            o["notional"] = str(Decimal(o["notional"]) + last_qty * last_px)
            key = "%s|%s|%s" % (o["account"], o["symbol"], o["product"])
            self.net[key] = self.net.get(key, 0) + int(last_qty) * (1 if o["side"] == "1" else -1)
            if o["product"] == "CNC" and self.net[key] < 0:
                fail("%s: a CNC (delivery) position went short to %d: no short delivery" % (where, self.net[key]))
        elif et == "I":
            if (st, int(cum), int(leaves)) != (o["status"], o["cum"], o["qty"] - o["cum"] if o["status"] not in TERMINAL else 0):
                fail("%s: status report says 39=%s CumQty=%s LeavesQty=%s, the model %s" % (where, st, cum, leaves, o))
            # The order answers to the ClOrdID of its last request that took effect (not one still pending).
            if m[11] != o.get("current", m[11]):
                fail("%s: status report says ClOrdID %s, the order's is %s" % (where, m[11], o.get("current")))
        elif cum != o["cum"]:
            fail("%s: CumQty changed from %s to %s without a Trade" % (where, o["cum"], cum))
        if cum > qty: fail("%s: CumQty %s over OrderQty %s" % (where, cum, qty))
        if st in TERMINAL:
            if leaves != 0: fail("%s: LeavesQty %s in a terminal state" % (where, leaves))
        elif leaves != qty - cum:
            fail("%s: LeavesQty %s is not OrderQty %s - CumQty %s" % (where, leaves, qty, cum))
        if st == "2" and cum != qty: fail("%s: Filled with CumQty %s of %s" % (where, cum, qty))
        if cum > 0 and abs(avg - Decimal(o["notional"]) / cum) > Decimal("0.01"):
            fail("%s: AvgPx %s, fills say %s" % (where, avg, Decimal(o["notional"]) / cum))
        if et in ("E", "6"): o["pending"] = m[11]
        elif et in ("5", "4") or st in TERMINAL: o["pending"] = None
        if et != "I":
            o["status"], o["cum"], o["qty"], o["clOrdID"] = st, int(cum), int(qty), m[11]
            if et not in ("E", "6"): o["current"] = m[11]

def price(rng, symbol):
    p = (MID.get(symbol) or FUTURE[symbol][1]) * (1 + Decimal(rng.uniform(-0.006, 0.006)))
    return (p / Decimal("0.10")).quantize(Decimal(1)) * Decimal("0.10")

def request_fields(oid, o, clordid):
    return [(11, clordid), (41, o["clOrdID"]), (37, oid), (1, o["account"]), (55, o["symbol"]), (207, "NSE"),
            (54, o["side"]), (60, ts())]

def cancel_fields(oid, o, clordid):
    """An OrderCancelRequest for order `oid` (the model's `o`)."""
    return request_fields(oid, o, clordid) + [(38, o["qty"])]

def replace_fields(rng, oid, o, clordid):
    """An OrderCancelReplaceRequest for order `oid`: a quantity below, at or above what is filled, a price near."""
    return request_fields(oid, o, clordid) + [(21, 1), (38, max(1, o["cum"] + rng.randint(-2, 8))), (40, 2),
                                              (44, price(rng, o["symbol"])), (5001, o["product"])]

def portfolio(http_port, account):
    url = "http://127.0.0.1:%d/api/portfolio?client=%s" % (http_port, account)
    body = json.load(urllib.request.urlopen(url, timeout=10))
    return {"%s|%s|%s" % (account, p["symbol"].split()[0], p["product"]): p["netQuantity"] for p in body["positions"]}

def held(model, account):
    return {k: v for k, v in model.net.items() if v != 0 and k.startswith(account + "|")}

def rest_json(http_port, method, path, body):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (http_port, path), data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r: return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)

def is_rest(m):
    return m.get(11, "").startswith("W")

def drop_copy_handler(exec_ids, model):
    """The drop copy's ExecutionReports: every ExecID noted; those of REST orders run through the model too."""
    def on(m):
        if m[35] != "8": return
        exec_ids.add(m.get(17))
        if is_rest(m): model.app(m)
    return on

def rest_place(http_port, rng, model, dc, clordid):
    """An order entered over REST for REST_ACCOUNT: answered 200 (PendingNew) or 422 (rejected) once durable; its
    first report then reaches the drop copy."""
    symbol = rng.choice(sorted(MID))
    body = {"symbol": symbol, "quantity": rng.randint(1, 12), "side": rng.choice(["BUY", "SELL"]),
            "product": rng.choice(["MIS", "CNC"]), "client": REST_ACCOUNT, "clientOrderId": clordid}
    if rng.random() < 0.8: body["price"] = str(price(rng, symbol))
    model.account_of[clordid] = REST_ACCOUNT
    model.unanswered.add(clordid)
    code, answer = rest_json(http_port, "POST", "/api/order/place", body)
    if code not in (200, 422): fail("POST /api/order/place %s answered %d: %s" % (body, code, answer))
    end = time.time() + 10
    while clordid in model.unanswered and time.time() < end: dc.pump(0.05)
    if clordid in model.unanswered: fail("REST order %s (%d) never reached the drop copy" % (clordid, code))
    oid = model.by_clordid.get(clordid) or answer.get("orderId")
    if code == 200 and answer.get("orderId") != oid:
        fail("REST order %s answered as %s, reported as %s" % (clordid, answer.get("orderId"), oid))

def rest_cancel(http_port, order_id):
    """An operator's cancel over REST: 200 (cancel requested) or 409 (the order is done or has a request pending)."""
    req = urllib.request.Request("http://127.0.0.1:%d/api/order/cancel?id=%s" % (http_port, order_id), method="POST")
    try:
        code = urllib.request.urlopen(req, timeout=10).status
    except urllib.error.HTTPError as e:
        code = e.code
    if code not in (200, 409):
        fail("POST /api/order/cancel?id=%s answered %d (200 or 409 expected)" % (order_id, code))

def agrees(session, read_server, read_model, match):
    """While orders live, fills go on: what the server says must match what the reports say both before and after
    it was read (a few tries, pumping the session between them). Returns (matched, server's, model's)."""
    for _ in range(20):
        session.pump(0.2)
        for x in SIBLINGS: x.pump(0.05)
        before = read_model()
        got = read_server()
        session.pump(0.3)
        for x in SIBLINGS: x.pump(0.05)
        after = read_model()
        if before == after and match(got, after): return True, got, after
    return False, got, after

def check_portfolio(model, http_port, session):
    """Each client's portfolio: the net quantities of its fills."""
    for account in ALL_ACCOUNTS:
        ok, got, want = agrees(session, lambda: {k: v for k, v in portfolio(http_port, account).items() if v != 0},
                               lambda: held(model, account), lambda got, want: got == want)
        if not ok: fail("portfolio of %s: %s, the fills say %s" % (account, got, want))

def check_usage(model, http_port, session):
    for account in ALL_ACCOUNTS: check_account_usage(model, http_port, session, account)

def check_account_usage(model, http_port, session, account):
    """GET /api/limits/ACCOUNT's usage, as the risk engine books it, against the reports: as many open orders as
    the reports leave open, nothing working once none is, and the net positions of the fills (a reservation
    that leaks on a fill, cancel, replace or restart shows here)."""
    url = "http://127.0.0.1:%d/api/limits/%s" % (http_port, account)
    def match(usage, want):
        if usage is None: return False
        net = {}
        for p in usage["positions"]:
            symbol = next((k for k, v in ISIN.items() if p["instrumentKey"] == "NSE_EQ|" + v),
                          next((k for k, v in FUTURE.items() if p["instrumentKey"] == v[0]), p["instrumentKey"]))
            if p["netQuantity"]: net["%s|%s|%s" % (account, symbol, p["product"])] = p["netQuantity"]
        working = sum(p["workingBuyQuantity"] + p["workingSellQuantity"] for p in usage["positions"])
        return usage["openOrders"] == want[0] and net == want[1] and (
            want[0] > 0 or (working == 0 and usage["openOrderValue"] == "0"))
    ok, usage, want = agrees(session, lambda: json.load(urllib.request.urlopen(url, timeout=10)).get("usage"),
                             lambda: (len(live(model, account)), held(model, account)), match)
    if not ok: fail("usage of %s: %s; the reports leave %d orders open and positions %s" % (account, usage, want[0], want[1]))

SIBLINGS = []   # the drop copy: pumped while the client waits, so that its heartbeats are answered

def settle(session, model, wait):
    """Pumps until every request is answered and nothing arrives for a moment, or `wait` seconds pass."""
    end = time.time() + wait
    while time.time() < end:
        before = model.reports
        session.pump(0.5)
        for x in SIBLINGS: x.pump(0.01)
        if not model.unanswered and model.reports == before: return
    if model.unanswered: fail("requests never answered: %s" % sorted(model.unanswered)[:10])

def live(model, account=None):
    return [(oid, o) for oid, o in model.orders.items() if o.get("status") not in TERMINAL and o.get("status")
            and (account is None or o.get("account") == account)]

def cancel_all(session, model, tag, http_port):
    for n, (oid, o) in enumerate(live(model)):
        if o.get("account") == REST_ACCOUNT:
            rest_cancel(http_port, oid)
            continue
        clordid = "%s-X%d" % (tag, n)
        model.unanswered.add(clordid)
        session.send("F", cancel_fields(oid, o, clordid))
    settle(session, model, 30)
    # A cancel that crossed a last fill is refused (the order is filled): every order must now be done.
    left = live(model)
    if left: fail("orders still live after cancelling them all: %s" % left[:5])

def trade(fix_port, http_port, seed, count, state_file, vega_pid):
    rng = random.Random(seed)
    model = Model()
    drop = Model()  # the drop copy's view: its ExecIDs only
    client = Session(fix_port, "CLIENT1", "demo", model.app)
    dc = Session(fix_port, "DROPCOPY", "dropcopy", drop_copy_handler(drop.exec_ids, model))
    SIBLINGS.append(dc)
    changes = [{"field": f, "value": v} for f, v in [("maxOrderValue", "2000000.00"), ("maxOrderQuantity", "10000"),
                                                      ("maxOpenOrders", "1000"), ("maxDailyLoss", "500000.00")]]
    code, answer = rest_json(http_port, "PUT", "/api/limits/" + REST_ACCOUNT, {"by": "order-fuzz", "changes": changes})
    if code != 200: fail("PUT /api/limits/%s answered %d: %s" % (REST_ACCOUNT, code, answer))
    requests = {"D": 0, "F": 0, "G": 0, "H": 0, "H?": 0, "dup": 0, "rest-cancel": 0, "rest-place": 0}
    reconnects = 0
    for n in range(count):
        r = rng.random()
        known = [(oid, o) for oid, o in model.orders.items() if o.get("symbol")]
        # FIX requests name FIX orders (a REST order is another source's: unknown to the session).
        known_fix = [(oid, o) for oid, o in known if o.get("account") != REST_ACCOUNT]
        if 0.47 <= r < 0.5:
            rest_place(http_port, rng, model, dc, "W%d-%d" % (seed, n))
            requests["rest-place"] += 1
            clordid = None
        elif r < 0.5 or not known_fix:
            symbol, side = rng.choice(sorted(MID)), rng.choice("12")
            clordid = "N%d-%d" % (seed, n)
            account = ACCOUNTS[0] if rng.random() < 0.7 else ACCOUNTS[1]
            model.account_of[clordid] = account
            fields = [(11, clordid), (1, account), (21, 1), (55, symbol), (207, "NSE"), (54, side),
                      (38, rng.randint(1, 12)), (59, 0), (60, ts()), (5001, rng.choice(["MIS", "CNC"]))]
            fields += [(40, 1)] if rng.random() < 0.2 else [(40, 2), (44, price(rng, symbol))]
            if rng.random() < 0.05:
                # NIFTY futures by exchange token, 1 or 2 lots: SPAN margin reserved and released (the paper
                # market has no price for them and refuses them after the risk engine took them).
                fields[3:5] = [(55, "NIFTY"), (48, "52101"), (22, "8"), (207, "NSE"), (167, "FUT")]
                fields = [f if f[0] != 38 else (38, 65 * rng.randint(1, 2)) for f in fields]
                fields = [f if f[0] != 5001 else (5001, "NRML") for f in fields]
                fields = [f if f[0] != 44 else (44, price(rng, "NIFTY")) for f in fields]
            if rng.random() < 0.1:   # immediate or cancel: filled at once as far as it can be, the rest cancelled
                fields = [f if f[0] != 59 else (59, 3) for f in fields]
                model.ioc.add(clordid)
            used = sorted(c for c in model.by_clordid if not c.startswith("W"))
            if rng.random() < 0.02 and used:   # a ClOrdID used before (on this session): refused
                fields[0] = (11, rng.choice(used)); requests["dup"] += 1
            else:
                model.unanswered.add(clordid)
            client.send("D", fields); requests["D"] += 1
        else:
            oid, o = rng.choice(known if r < 0.53 else known_fix)
            if r < 0.53:
                # An operator's cancel over REST: the owner's session gets the reports.
                rest_cancel(http_port, oid)
                requests["rest-cancel"] += 1
                clordid = None
            elif r < 0.7:
                clordid = "C%d-%d" % (seed, n)
                client.send("F", cancel_fields(oid, o, clordid)); requests["F"] += 1
            elif r < 0.9:
                clordid = "R%d-%d" % (seed, n)
                client.send("G", replace_fields(rng, oid, o, clordid))
                requests["G"] += 1
            elif r < 0.98:
                clordid = o["clOrdID"]
                client.send("H", [(11, clordid), (37, oid), (1, o["account"]), (55, o["symbol"]), (207, "NSE"), (54, o["side"])])
                requests["H"] += 1
                clordid = None
            else:
                # A status request naming no order: BusinessMessageReject 380=1 (Unknown ID) naming it in 379.
                clordid = "Q%d-%d" % (seed, n)
                model.no_order.add(clordid)
                client.send("H", [(11, clordid), (1, o["account"]), (55, o["symbol"]), (207, "NSE"), (54, o["side"])])
                requests["H?"] += 1
            if clordid: model.unanswered.add(clordid)
        client.pump(rng.choice([0.001, 0.005, 0.02]))
        dc.pump(0.001)
        if n in (count // 4, count // 2, 3 * count // 4):
            # The client's connection drops (what the socket still held is lost); it logs on again without a
            # reset and asks for what it missed: the reports made meanwhile come back as PossDup resends.
            client.s.close()
            time.sleep(rng.choice([0.1, 0.5, 1.0]))
            client = Session(fix_port, "CLIENT1", "demo", model.app, seq=client.seq, expected=client.expected,
                             reset=False, resends=client.resends, sent_app=client.sent_app)
            reconnects += 1
    settle(client, model, 20)
    dc.pump(2)
    resting = [oid for oid, o in live(model) if o.get("first") in model.ioc]
    if resting: fail("immediate-or-cancel orders still live after the flow settled: %s" % resting[:5])
    missing = model.client_execs - drop.exec_ids
    if missing: fail("%d ExecutionReports never reached the drop copy, e.g. %s" % (len(missing), sorted(missing)[:5]))
    check_portfolio(model, http_port, client)
    check_usage(model, http_port, client)
    statuses = {}
    for o in model.orders.values(): statuses[o.get("status")] = statuses.get(o.get("status"), 0) + 1
    print("order-fuzz: trade: sent %s; %d reports, %d orders by OrdStatus %s, %d live; %d logons again, %d "
          "ResendRequests; drop copy %d reports; positions %s" % (
              requests, model.reports, len(model.orders), statuses, len(live(model)), reconnects, client.resends,
              len(drop.exec_ids), {k: v for k, v in model.net.items() if v}), flush=True)
    # The crash: a burst of new orders, cancels and replaces of live orders, and the server killed (SIGKILL)
    # while it works on them. Each must come through: answered before the kill, resent after the restart, or
    # asked for again by the server; a cancel or replace cut short leaves its order as the reports say.
    burst = {"D": 0, "F": 0, "G": 0}
    for k in range(BURST):
        clordid = "K%d-%d" % (seed, k)
        model.unanswered.add(clordid)
        r, open_now = rng.random(), [(oid, o) for oid, o in live(model) if o.get("symbol") and o.get("account") != REST_ACCOUNT]
        if r < 0.2 and open_now:
            oid, o = rng.choice(open_now)
            client.send("F", cancel_fields(oid, o, clordid))
            burst["F"] += 1
            continue
        if r < 0.4 and open_now:
            oid, o = rng.choice(open_now)
            client.send("G", replace_fields(rng, oid, o, clordid))
            burst["G"] += 1
            continue
        symbol = rng.choice(sorted(MID))
        model.account_of[clordid] = ACCOUNTS[0]
        client.send("D", [(11, clordid), (1, ACCOUNTS[0]), (21, 1), (55, symbol), (207, "NSE"), (54, "1"),
                          (38, rng.randint(1, 12)), (59, 0), (60, ts()), (5001, "MIS"), (40, 2), (44, price(rng, symbol))])
        burst["D"] += 1
    print("order-fuzz: burst: %s, then the stop" % burst, flush=True)
    client.pump(rng.choice([0.001, 0.003, 0.01]))
    # Odd seeds: SIGKILL (nothing drains); even seeds: SIGTERM (the server logs clients out, drains, closes the
    # database) — either way nothing may be lost.
    os.kill(vega_pid, signal.SIGKILL if seed % 2 else signal.SIGTERM)
    state = model.state()
    state.update(client_seq=client.seq, client_expected=client.expected, drop_seq=dc.seq, drop_expected=dc.expected,
                 drop_execs=sorted(drop.exec_ids),
                 sent_app={n: [t, [(tag, str(v)) for tag, v in f]] for n, (t, f) in client.sent_app.items()
                           if n >= client.seq - 300})
    json.dump(state, open(state_file, "w"))

def restart(fix_port, http_port, state_file):
    saved = json.load(open(state_file))
    model = Model(saved)
    before = model.reports
    sent_app = {int(n): (t, [tuple(f) for f in fields]) for n, (t, fields) in saved["sent_app"].items()}
    burst = sorted(c for c in model.unanswered if c.startswith("K"))
    # The drop copy logs on again too, without a reset: what it missed comes as resends.
    drop_execs = set(saved["drop_execs"])
    dc = Session(fix_port, "DROPCOPY", "dropcopy", drop_copy_handler(drop_execs, model),
                 seq=saved["drop_seq"], expected=saved["drop_expected"], reset=False)
    SIBLINGS.append(dc)
    client = Session(fix_port, "CLIENT1", "demo", model.app, seq=saved["client_seq"], expected=saved["client_expected"],
                     reset=False, sent_app=sent_app)
    settle(client, model, 10)
    open_before = len(live(model))
    for oid, o in sorted(model.orders.items()):
        if not o.get("symbol") or o.get("account") == REST_ACCOUNT: continue
        client.send("H", [(11, o["clOrdID"]), (37, oid), (1, o["account"]), (55, o["symbol"]), (207, "NSE"), (54, o["side"])])
    settle(client, model, 20)
    cancel_all(client, model, "AFTER", http_port)
    check_portfolio(model, http_port, client)
    check_usage(model, http_port, client)
    dc.pump(3)
    missing = model.client_execs - drop_execs
    if missing:
        fail("%d ExecutionReports of the whole run never reached the drop copy (it logged on again after the "
             "restart), e.g. %s" % (len(missing), sorted(missing)[:5]))
    # The risk engine's books after the restart hold the day's fills: a CNC sell of one share more than the
    # fills left is refused as a short delivery, naming exactly what is held.
    for key, net in sorted(model.net.items()):
        account, symbol, product = key.split("|")
        if product != "CNC" or net < 0: continue
        clordid = "SHORT-%s-%s" % (account, symbol)
        model.unanswered.add(clordid)
        model.account_of[clordid] = account
        client.send("D", [(11, clordid), (1, account), (21, 1), (55, symbol), (207, "NSE"), (54, "2"), (38, net + 1),
                          (59, 0), (60, ts()), (5001, "CNC"), (40, 2), (44, price(random.Random(0), symbol))])
        settle(client, model, 10)
        code, text = model.rejects.get(clordid, (None, ""))
        if code != "RISK_HOLDINGS" or "free=%d value=%d" % (net, net + 1) not in text:
            fail("a CNC sell of %d %s (%d held) after the restart: %s %s" % (net + 1, symbol, net, code, text))
    print("order-fuzz: restart: %d of the %d requests sent just before the stop unanswered before it, all answered "
          "now; %d reports after the restart (%d ResendRequests of ours, %d messages resent on the server's "
          "ResendRequests), %d orders live at the restart, all done now; the drop copy has all %d reports (%d "
          "ResendRequests of its own)" % (len(burst), BURST, model.reports - before, client.resends, client.resent,
                                          open_before, len(drop_execs), dc.resends), flush=True)

try:
    if sys.argv[1] == "trade":
        trade(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], int(sys.argv[7]))
    else:
        restart(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
except AssertionError as e:
    fail("the server sent a malformed frame: %s" % (e,))
except (ConnectionError, socket.timeout) as e:
    fail("connection: %s" % (e,))
sys.exit(1 if failures else 0)
