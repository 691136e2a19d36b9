import HTTPTypes
import Hummingbird
import NIOCore

/// The web dashboard `vega-oms` serves at `/`: one static page, its stylesheet and its script, which work only
/// through the REST API (`/api/orders`, `/api/portfolio`, `/api/margin/{client}`, `/api/order/place`, `/api/order/cancel`,
/// `/api/instruments/search`), with the API key the user types when the server asks for one. The assets hold no
/// data, so they are served without a key (`APIKeyMiddleware.isPublic`); what the page shows is fetched with it.
///
/// Every value the API returns is put on the page as text (`textContent`), never as markup, and the page's
/// Content-Security-Policy allows only this server's own script and style, so a symbol or reject text cannot
/// run as script.
public enum Dashboard {
    /// The paths of the assets, served to GET and HEAD.
    public static let assets: [String: (contentType: String, body: String)] = [
        "/": ("text/html; charset=utf-8", html),
        "/dashboard.js": ("text/javascript; charset=utf-8", script),
        "/dashboard.css": ("text/css; charset=utf-8", style),
    ]

    static let securityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        + "img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

    public static func mount<Context: RequestContext>(on router: Router<Context>) {
        for (path, asset) in assets.sorted(by: { $0.key < $1.key }) {
            let bytes = ByteBuffer(string: asset.body)
            router.get(RouterPath(path)) { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = asset.contentType
                headers[.cacheControl] = "no-cache"
                headers[.contentSecurityPolicy] = securityPolicy
                headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
                headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: bytes))
            }
        }
    }

    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Vega OMS</title>
        <link rel="stylesheet" href="/dashboard.css">
        <script src="/dashboard.js" defer></script>
        </head>
        <body>
        <header>
          <h1>Vega OMS</h1>
          <span id="status" role="status">connecting…</span>
          <label>Client <input id="client-filter" placeholder="all clients" maxlength="64" size="12"></label>
          <label><input type="checkbox" id="open-only"> open orders only</label>
          <label id="key-box" hidden>API key <input id="api-key" type="password" autocomplete="off" size="24"></label>
        </header>
        <main>
        <section id="place">
          <h2>Place order</h2>
          <form id="order-form">
            <label>Symbol <input name="symbol" id="symbol" list="symbols" required maxlength="100" autocomplete="off"></label>
            <datalist id="symbols"></datalist>
            <label>Exchange <select name="exchange" id="exchange"><option>NSE</option><option>BSE</option></select></label>
            <label>Side <select name="side"><option>BUY</option><option>SELL</option></select></label>
            <label>Quantity <input name="quantity" type="number" min="1" step="1" required></label>
            <label>Type <select name="orderType"><option value="">LIMIT if priced, else MARKET</option><option>LIMIT</option><option>MARKET</option><option>SL</option><option>SL-M</option></select></label>
            <label>Price <input name="price" inputmode="decimal" placeholder="market"></label>
            <label>Trigger <input name="triggerPrice" inputmode="decimal"></label>
            <label>Product <select name="product"><option value="">default</option><option>CNC</option><option>MIS</option><option>MTF</option><option>NRML</option></select></label>
            <label>Validity <select name="validity"><option>DAY</option><option>IOC</option></select></label>
            <label>Broker <input name="broker" placeholder="default" maxlength="32" size="8"></label>
            <label>Client <input name="client" placeholder="default" maxlength="64" size="10"></label>
            <label><input type="checkbox" name="afterMarket"> after market</label>
            <button type="submit" id="place-button">Place</button>
          </form>
          <p id="place-result" role="status"></p>
        </section>
        <section id="portfolio">
          <h2>Portfolio</h2>
          <table>
            <thead><tr><th>Client</th><th>Symbol</th><th>Product</th><th>Brokers</th><th>Carried</th><th>Bought</th><th>Sold</th><th>Net</th><th>Avg</th><th>LTP</th><th>Realised</th><th>Unrealised</th></tr></thead>
            <tbody id="positions"></tbody>
            <tfoot><tr><td colspan="10">Total</td><td id="total-realised"></td><td id="total-unrealised"></td></tr></tfoot>
          </table>
        </section>
        <section id="funds" hidden>
          <h2>Funds and margin of <span id="funds-client"></span></h2>
          <table><tbody id="funds-rows"></tbody></table>
          <p id="funds-note"></p>
        </section>
        <section id="orders">
          <h2>Orders</h2>
          <table>
            <thead><tr><th>Time</th><th>Order</th><th>ClOrdID</th><th>Client</th><th>Source</th><th>Symbol</th><th>Side</th><th>Type</th><th>Qty</th><th>Price</th><th>Filled</th><th>Avg</th><th>Status</th><th>Broker</th><th>Reason</th><th></th></tr></thead>
            <tbody id="order-rows"></tbody>
          </table>
          <p><span id="orders-note"></span> <button type="button" id="newest" hidden>Newest</button> <button type="button" id="older" hidden>Older</button></p>
        </section>
        </main>
        </body>
        </html>

        """

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1c2430; background: #f6f7f9; }
        header { display: flex; gap: 1.2em; align-items: center; flex-wrap: wrap; padding: .6em 1em; background: #12263f; color: #fff; }
        header h1 { font-size: 1.2em; margin: 0; }
        header input { font: inherit; }
        main { padding: 0 1em 2em; }
        section { background: #fff; margin-top: 1em; padding: .6em 1em; border-radius: 6px; box-shadow: 0 1px 2px #0002; overflow-x: auto; }
        h2 { font-size: 1.05em; margin: .2em 0 .6em; }
        form { display: flex; flex-wrap: wrap; gap: .5em 1em; align-items: end; }
        label { display: inline-flex; flex-direction: column; font-size: .85em; gap: .15em; }
        header label { flex-direction: row; align-items: center; gap: .4em; }
        input, select, button { font: inherit; font-size: 1rem; padding: .2em .35em; }
        button { cursor: pointer; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid #e3e6ea; white-space: nowrap; }
        td.num { text-align: right; }
        tfoot td { font-weight: 600; }
        .gain { color: #0a7a35; }
        .loss { color: #b3261e; }
        .error { color: #b3261e; }
        .ok { color: #0a7a35; }
        #status.error { color: #ffb4ab; }
        #status.ok { color: #a8f0c0; }

        """

    static let script = """
        "use strict";
        // Vega OMS dashboard: everything it shows comes from the REST API; values are set as text, never markup.
        const $ = (id) => document.getElementById(id);
        let refreshing = false;
        let refreshAgain = false;     // a refresh asked for while one was under way runs when it ends
        let before = null;            // the orders page shown: null for the newest, else a page's `older`
        let older = null;
        let placing = false;
        const cancelling = new Set(); // orders whose cancel is under way: their button stays disabled
        const exchangeOf = new Map(); // suggested trading symbol -> its exchange

        function headers(json) {
          const h = {};
          if (json) h["Content-Type"] = "application/json";
          const key = sessionStorage.getItem("vegaApiKey");
          if (key) h["Authorization"] = "Bearer " + key;
          return h;
        }

        // One API call: the parsed JSON answer, or an Error carrying the API's code and message.
        async function api(method, path, body) {
          let response;
          try {
            response = await fetch(path, { method, headers: headers(body !== undefined), cache: "no-store",
              body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10000) });
          } catch (e) {
            const error = new Error("the server did not answer (" + (e && e.name === "TimeoutError" ? "timed out" : e.message) + ")");
            error.code = "UNREACHABLE";
            throw error;
          }
          let answer = null;
          try { answer = await response.json(); } catch (e) { answer = null; }
          if (!response.ok) {
            if (response.status === 401) $("key-box").hidden = false;
            const error = new Error(answer && answer.message ? answer.message : "HTTP " + response.status);
            error.code = answer && answer.code ? answer.code : "HTTP_" + response.status;
            throw error;
          }
          return answer;
        }

        function cell(row, text, numeric, cls) {
          const td = document.createElement("td");
          td.textContent = text === undefined || text === null ? "" : String(text);
          if (numeric) td.classList.add("num");
          if (cls) td.classList.add(cls);
          row.appendChild(td);
          return td;
        }

        // Rupees as the API gives them (decimal strings in their shortest form: "1542.3", "-12", "0.05") with
        // at least two decimals, by string (no binary floating point).
        function rupees(value) {
          if (value === undefined || value === null) return "";
          const text = String(value);
          const dot = text.indexOf(".");
          if (dot < 0) return text + ".00";
          return text.length - dot - 1 < 2 ? text + "0".repeat(2 - (text.length - dot - 1)) : text;
        }

        function signClass(value) {
          if (value === undefined || value === null) return undefined;
          const text = String(value);
          if (/^-/.test(text) && /[1-9]/.test(text)) return "loss";
          return /[1-9]/.test(text) ? "gain" : undefined;
        }

        function query(extra) {
          const params = new URLSearchParams(extra || {});
          const client = $("client-filter").value.trim();
          if (client) params.set("client", client);
          const text = params.toString();
          return text ? "?" + text : "";
        }

        function time(ms) {
          if (ms === undefined || ms === null) return "";
          // The exchange clock's instant, shown in IST.
          return new Date(ms).toLocaleString("en-IN", { timeZone: "Asia/Kolkata", hour12: false });
        }

        function showPortfolio(p) {
          const body = $("positions");
          body.replaceChildren();
          for (const line of p.positions) {
            const row = document.createElement("tr");
            cell(row, line.client); cell(row, line.symbol); cell(row, line.product); cell(row, line.brokers.join(", "));
            cell(row, line.carriedQuantity, true); cell(row, line.dayBuyQuantity, true); cell(row, line.daySellQuantity, true);
            cell(row, line.netQuantity, true); cell(row, rupees(line.averagePrice), true); cell(row, rupees(line.lastPrice), true);
            cell(row, rupees(line.realisedPnl), true, signClass(line.realisedPnl));
            cell(row, rupees(line.unrealisedPnl), true, signClass(line.unrealisedPnl));
            body.appendChild(row);
          }
          $("total-realised").textContent = rupees(p.realisedPnl);
          $("total-realised").className = "num " + (signClass(p.realisedPnl) || "");
          $("total-unrealised").textContent = rupees(p.unrealisedPnl);
          $("total-unrealised").className = "num " + (signClass(p.unrealisedPnl) || "");
        }

        // The client's funds (GET /api/margin/{client}) when the filter names one client: what is available, used
        // and free, and what uses it — the cash market (delivery paid today, working orders, MIS positions) and F&O.
        async function showFunds(client) {
          $("funds").hidden = !client;
          if (!client) return;
          const body = $("funds-rows");
          if ($("funds-client").textContent !== client) {
            // Another client: its rows only, never the last one's under its name while they load.
            body.replaceChildren();
            $("funds-note").textContent = "";
            $("funds-client").textContent = client;
          }
          try {
            const m = await api("GET", "/api/margin/" + encodeURIComponent(client));
            const lines = [
              ["Available", m.available === undefined ? "no limit" : rupees(m.available)],
              ["Utilised", rupees(m.utilised)],
              ["Free", m.free === undefined ? "" : rupees(m.free)],
              ["Cash: delivery paid today", rupees(m.deliveryPaid)],
              ["Cash: working orders", rupees(m.cashOrdersBlocked)],
              ["Cash: MIS positions", rupees(m.intradayMargin)],
              ["Day's loss (realised + MTM)", rupees(m.dayLoss)],
              // SPAN + exposure − long option value, summed over underlyings: what utilised holds besides the rest.
              ["F&O: SPAN + exposure", rupees(subtract(m.utilised,
                [m.deliveryPaid, m.cashOrdersBlocked, m.intradayMargin, m.dayLoss, m.premiumReserved, m.premiumPaid]))],
              ["F&O: premium reserved", rupees(m.premiumReserved)],
              ["F&O: premium paid today", rupees(m.premiumPaid)],
            ];
            body.replaceChildren();
            for (const [name, value] of lines) {
              const row = document.createElement("tr");
              cell(row, name); cell(row, value, true, name === "Free" ? signClass(m.free) : undefined);
              body.appendChild(row);
            }
            $("funds-note").textContent = "";
          } catch (e) {
            body.replaceChildren();
            $("funds-note").textContent = e.code === "NO_LIMITS" ? "No risk limits for " + client + ": its orders are refused."
                                                                : e.code + ": " + e.message;
          }
        }

        // a − Σ parts, on the API's decimal strings (₹, up to 4 decimals), exactly: in units of ₹0.0001.
        function subtract(a, parts) {
          const units = (text) => {
            const [whole, fraction = ""] = String(text || "0").replace("-", "").split(".");
            const value = BigInt(whole || "0") * 10000n + BigInt((fraction + "0000").slice(0, 4));
            return String(text || "").startsWith("-") ? -value : value;
          };
          let v = units(a);
          for (const p of parts) v -= units(p);
          const negative = v < 0n;
          if (negative) v = -v;
          const fraction = String(v % 10000n).padStart(4, "0").replace(/0+$/, "");
          return (negative ? "-" : "") + String(v / 10000n) + (fraction ? "." + fraction : "");
        }

        // What the engine cancels: a working order, or an after-market order still held (a PendingNew order at
        // its broker, or one with a request pending, is refused until the broker answers).
        function cancellable(o) {
          return o.status === "NEW" || o.status === "PARTIALLY_FILLED" || (o.status === "PENDING_NEW" && o.afterMarketHeld);
        }

        function showOrders(list) {
          const body = $("order-rows");
          body.replaceChildren();
          for (const o of list.orders) {
            const row = document.createElement("tr");
            cell(row, time(o.createdAt)); cell(row, o.orderId); cell(row, o.clientOrderId); cell(row, o.client);
            cell(row, o.source); cell(row, o.symbol); cell(row, o.side); cell(row, o.orderType);
            cell(row, o.quantity, true); cell(row, o.price === undefined ? "market" : rupees(o.price), true);
            cell(row, o.filledQuantity, true);
            cell(row, o.filledQuantity > 0 ? rupees(o.averagePrice) : "", true);
            cell(row, o.afterMarketHeld ? o.status + " (held)" : o.status, false, o.status === "REJECTED" ? "error" : undefined);
            cell(row, o.broker);
            // The reason usually starts with its code already.
            const reason = o.rejectReason || "";
            cell(row, !o.rejectCode || reason.startsWith(o.rejectCode) ? reason : o.rejectCode + ": " + reason);
            const action = cell(row, "");
            if (cancellable(o)) {
              const button = document.createElement("button");
              button.textContent = "Cancel";
              button.disabled = cancelling.has(o.orderId);
              button.addEventListener("click", () => cancelOrder(o.orderId, button));
              action.appendChild(button);
            }
            body.appendChild(row);
          }
          const notes = [list.count + " shown, newest first" + (list.before ? ", numbered below " + list.before : "")];
          if (list.older && list.count < list.limit) notes.push("more may be older than the numbers looked through");
          if (list.unreadable) notes.push("stored orders this version cannot read: " + list.unreadable.join(", "));
          $("orders-note").textContent = notes.join("; ");
          older = list.older === undefined ? null : list.older;
          $("older").hidden = older === null;
          $("newest").hidden = before === null;
        }

        async function refresh() {
          if (document.hidden) return;
          if (refreshing) { refreshAgain = true; return; }
          refreshing = true;
          try {
            do {
              refreshAgain = false;
              const params = { limit: "100" };
              if ($("open-only").checked) params.open = "true";
              if (before !== null) params.before = String(before);
              const [portfolio, orders] = await Promise.all([
                api("GET", "/api/portfolio" + query()), api("GET", "/api/orders" + query(params))]);
              showPortfolio(portfolio);
              showOrders(orders);
              await showFunds($("client-filter").value.trim());
              $("status").textContent = "updated " + new Date().toLocaleTimeString("en-IN", { hour12: false });
              $("status").className = "ok";
            } while (refreshAgain);
          } catch (e) {
            $("status").textContent = e.code + ": " + e.message;
            $("status").className = "error";
          } finally {
            refreshing = false;
          }
        }

        async function cancelOrder(id, button) {
          if (cancelling.has(id)) return;
          cancelling.add(id);
          button.disabled = true;
          try {
            const o = await api("POST", "/api/order/cancel?id=" + encodeURIComponent(id));
            say("Cancel of " + o.orderId + " requested: " + o.status, "ok");
          } catch (e) {
            say(e.code + ": " + e.message, "error");
          } finally {
            cancelling.delete(id);
          }
          refresh();
        }

        function say(text, cls) {
          $("place-result").textContent = text;
          $("place-result").className = cls;
        }

        // The form's fields as a PlaceOrderRequest: empty fields are left out (the server's defaults apply).
        function orderBody(form) {
          const data = new FormData(form);
          const body = { symbol: String(data.get("symbol")).trim(), quantity: Number(data.get("quantity")) };
          for (const name of ["exchange", "side", "orderType", "price", "triggerPrice", "product", "validity", "broker", "client"]) {
            const value = String(data.get(name) || "").trim();
            if (value) body[name] = value;
          }
          if (data.get("afterMarket")) body.afterMarket = true;
          return body;
        }

        async function place(event) {
          event.preventDefault();
          // One order per click: a second submit while the first is under way (a double click, Enter twice) is
          // ignored rather than placed again.
          if (placing) return;
          const body = orderBody(event.target);
          if (!Number.isSafeInteger(body.quantity) || body.quantity < 1) {
            say("Quantity must be a whole number of at least 1", "error");
            return;
          }
          placing = true;
          $("place-button").disabled = true;
          try {
            const o = await api("POST", "/api/order/place", body);
            say("Order " + o.orderId + " (" + o.clientOrderId + "): " + o.status, "ok");
          } catch (e) {
            say(e.code + ": " + e.message, "error");
          } finally {
            placing = false;
            $("place-button").disabled = false;
          }
          refresh();
        }

        let searchTimer = null;
        let searchNumber = 0;
        function suggest() {
          clearTimeout(searchTimer);
          const text = $("symbol").value.trim();
          // A suggestion picked: its exchange goes with it.
          if (exchangeOf.has(text)) $("exchange").value = exchangeOf.get(text);
          if (!text) return;
          searchTimer = setTimeout(async () => {
            const mine = ++searchNumber;
            try {
              const found = await api("GET", "/api/instruments/search?" + new URLSearchParams({ query: text, limit: "10" }));
              if (mine !== searchNumber) return;   // a newer search answered, or will
              const list = $("symbols");
              list.replaceChildren();
              for (const i of found.results) {
                const option = document.createElement("option");
                option.value = i.tradingSymbol;
                option.textContent = i.name + " (" + i.exchange + " " + i.instrumentType + ")";
                if (!exchangeOf.has(i.tradingSymbol)) exchangeOf.set(i.tradingSymbol, i.exchange);
                list.appendChild(option);
              }
            } catch (e) { /* suggestions are a convenience; the status line shows API failures */ }
          }, 200);
        }

        document.addEventListener("DOMContentLoaded", () => {
          $("api-key").value = sessionStorage.getItem("vegaApiKey") || "";
          if ($("api-key").value) $("key-box").hidden = false;
          $("api-key").addEventListener("change", () => { sessionStorage.setItem("vegaApiKey", $("api-key").value.trim()); refresh(); });
          $("client-filter").addEventListener("change", () => { before = null; refresh(); });
          $("open-only").addEventListener("change", () => { before = null; refresh(); });
          $("older").addEventListener("click", () => { if (older !== null) { before = older; refresh(); } });
          $("newest").addEventListener("click", () => { before = null; refresh(); });
          $("order-form").addEventListener("submit", place);
          $("symbol").addEventListener("input", suggest);
          document.addEventListener("visibilitychange", refresh);
          refresh();
          setInterval(refresh, 2000);
        });

        """
}
