// Drives the web dashboard that a running vega-oms serves, as a browser would, through the real REST API:
// fetches the page and its script from the server, runs the script (node's `vm`) against a small stand-in for
// the page's elements, and uses the page as a trader does — places a resting limit order, a market order and an
// order for an unknown symbol through the order form, cancels the resting order with its Cancel button, and
// reads the orders and portfolio tables and a client's funds. Prints one JSON line of what it saw; exits 1
// naming the first step that went wrong.
//
//   node scripts/dashboard-drive.mjs http://127.0.0.1:8080 [API_KEY]
import vm from "node:vm";

const [base, apiKey] = process.argv.slice(2);
if (!base) { console.error("usage: dashboard-drive.mjs BASE_URL [API_KEY]"); process.exit(2); }

function fail(step, detail) {
  console.error(`dashboard: ${step}: ${detail}`);
  process.exit(1);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(step, test, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = test();
    if (v) return v;
    if (Date.now() > end) fail(step, "timed out");
    await sleep(25);
  }
}

// 1. The page and the assets it names, as the server serves them.
const page = await fetch(base + "/");
if (page.status !== 200) fail("GET /", `status ${page.status}`);
const csp = page.headers.get("content-security-policy") || "";
if (!csp.includes("script-src 'self'")) fail("GET /", `no script policy: ${csp}`);
const html = await page.text();
const scriptPath = (html.match(/<script src="([^"]+)"/) || [])[1];
const stylePath = (html.match(/<link rel="stylesheet" href="([^"]+)"/) || [])[1];
if (!scriptPath || !stylePath) fail("GET /", "the page names no script or stylesheet");
const style = await fetch(base + stylePath);
if (style.status !== 200 || !(style.headers.get("content-type") || "").startsWith("text/css")) fail(stylePath, `status ${style.status}`);
const scriptAnswer = await fetch(base + scriptPath);
if (scriptAnswer.status !== 200) fail(scriptPath, `status ${scriptAnswer.status}`);
const code = await scriptAnswer.text();

// 2. Stand-ins for the page's elements: those with an id on the served page, and those the script creates.
class Element {
  constructor(tag, id, attributes = "") {
    this.tagName = tag; this.id = id; this.children = []; this.listeners = {};
    this.value = ""; this.checked = false; this.disabled = false; this.className = "";
    this.hidden = /\shidden(\s|>|$)/.test(attributes);
    this.ownText = "";
    this.classList = { add: (c) => { this.className = (this.className + " " + c).trim(); } };
  }
  get textContent() { return this.children.length ? this.children.map((c) => c.textContent).join("|") : this.ownText; }
  set textContent(v) { this.ownText = String(v); this.children = []; }
  appendChild(c) { this.children.push(c); return c; }
  replaceChildren() { this.children = []; }
  addEventListener(type, f) { (this.listeners[type] ||= []).push(f); }
  fire(type, event = {}) { for (const f of this.listeners[type] || []) f(event); }
}
const elements = {};
for (const m of html.matchAll(/<(\w+)([^>]*?)\sid="([^"]+)"([^>]*)>/g)) {
  elements[m[3]] = new Element(m[1], m[3], m[2] + m[4]);
}
const documentListeners = {};
const document = {
  hidden: false,
  getElementById: (id) => elements[id] || null,
  createElement: (tag) => new Element(tag, ""),
  addEventListener: (type, f) => { (documentListeners[type] ||= []).push(f); },
};
const stored = {};
if (apiKey) stored.vegaApiKey = apiKey;
const sessionStorage = { getItem: (k) => (k in stored ? stored[k] : null), setItem: (k, v) => { stored[k] = String(v); } };
const form = elements["order-form"];
if (!form) fail("page", "no order form");
form.fields = {};
class FormData {
  constructor(f) { this.fields = f.fields; }
  get(name) { return name in this.fields ? this.fields[name] : null; }
}
const context = vm.createContext({
  document, sessionStorage, FormData, URLSearchParams, AbortSignal, console, Date, Number, String, JSON, Promise, Set,
  Map, Error,
  setTimeout, clearTimeout,
  setInterval: () => 0,   // the page refreshes every 2 s; here each step asks for a refresh itself
  fetch: (path, options) => {
    if (!path.startsWith("/")) fail("fetch", `the page asked for another origin: ${path}`);
    return fetch(base + path, options);
  },
});
vm.runInContext(code, context, { filename: scriptPath });
for (const f of documentListeners.DOMContentLoaded || []) f();

const status = elements.status;
const result = elements["place-result"];
const rows = () => elements["order-rows"].children;
const cells = (row) => row.children.map((c) => c.textContent);
// The orders table's columns (see the page): 1 order id, 12 status, 14 reason, 15 the Cancel button.
const byOrder = (id) => rows().find((r) => cells(r)[1] === id);
async function refreshed(step) {
  // A refresh already under way (asked for by a click or the form) ends first; then one of our own.
  await until(step, () => !vm.runInContext("refreshing", context));
  status.ownText = "";
  status.className = "";
  for (const f of documentListeners.visibilitychange || []) f();   // the page refreshes when shown
  await until(step, () => status.className === "ok" || status.className === "error");
  if (status.className !== "ok") fail(step, `status line says ${status.textContent}`);
}
await refreshed("first refresh");

async function place(step, fields) {
  form.fields = fields;
  result.ownText = "";
  result.className = "";
  form.fire("submit", { preventDefault() {}, target: form });
  await until(step, () => result.textContent !== "");
  return { text: result.textContent, ok: result.className === "ok" };
}

// 3. A buy limit far below the market rests; a market buy fills; an unknown symbol is refused with its code.
const resting = await place("resting limit", { symbol: "RELIANCE", quantity: "2", price: "1400.00", side: "BUY", product: "CNC", exchange: "NSE", validity: "DAY" });
if (!resting.ok) fail("resting limit", resting.text);
const restingID = (resting.text.match(/Order (O-\d+)/) || [])[1];
if (!restingID) fail("resting limit", `no order id in "${resting.text}"`);
const market = await place("market order", { symbol: "RELIANCE", quantity: "1", side: "BUY", product: "CNC" });
if (!market.ok) fail("market order", market.text);
const marketID = (market.text.match(/Order (O-\d+)/) || [])[1];
const unknown = await place("unknown symbol", { symbol: "NOSUCHSTOCK", quantity: "1" });
if (unknown.ok) fail("unknown symbol", `accepted: ${unknown.text}`);
const zero = await place("zero quantity", { symbol: "RELIANCE", quantity: "0" });
if (zero.ok) fail("zero quantity", `accepted: ${zero.text}`);

// A double click places one order, not two.
form.fields = { symbol: "RELIANCE", quantity: "3", price: "1400.50", side: "BUY", product: "CNC" };
result.ownText = "";
form.fire("submit", { preventDefault() {}, target: form });
form.fire("submit", { preventDefault() {}, target: form });
await until("double submit", () => result.textContent !== "");
if (result.className !== "ok") fail("double submit", result.textContent);
const doubleID = (result.textContent.match(/Order (O-\d+)/) || [])[1];

// 4. The orders table shows them; the market order fills; the resting one has a Cancel button that works.
let marketStatus = "";
for (let i = 0; i < 100 && marketStatus !== "FILLED"; i++) {
  await refreshed("orders refresh");
  const row = byOrder(marketID);
  marketStatus = row ? cells(row)[12] : "";
  if (marketStatus !== "FILLED") await sleep(100);
}
if (marketStatus !== "FILLED") fail("market order fills", `status ${marketStatus}`);
const placedTwice = rows().filter((r) => cells(r)[8] === "3" && cells(r)[9] === "1400.50");
if (placedTwice.length !== 1 || cells(placedTwice[0])[1] !== doubleID) fail("double submit", `${placedTwice.length} orders placed`);

// The open-orders filter: the resting orders are listed, no closed one is.
elements["open-only"].checked = true;
await refreshed("open filter");
const openIDs = rows().map((r) => cells(r)[1]);
if (!openIDs.includes(restingID) || !openIDs.includes(doubleID)) fail("open filter", `open orders missing: ${openIDs}`);
if (rows().some((r) => ["FILLED", "CANCELED", "REJECTED"].includes(cells(r)[12]))) fail("open filter", "closed orders shown");
elements["open-only"].checked = false;
await refreshed("all orders");

const restingRow = byOrder(restingID);
if (!restingRow) fail("orders table", `no row for ${restingID}`);
if (cells(restingRow)[12] !== "NEW") fail("orders table", `resting order is ${cells(restingRow)[12]}`);
const button = restingRow.children[15].children[0];
if (!button || button.textContent !== "Cancel") fail("orders table", "the resting order has no Cancel button");
result.ownText = "";
button.fire("click");
await until("cancel", () => result.textContent !== "");
if (result.className !== "ok") fail("cancel", result.textContent);
let restingStatus = "";
for (let i = 0; i < 100 && restingStatus !== "CANCELED"; i++) {
  await refreshed("cancel refresh");
  restingStatus = cells(byOrder(restingID))[12];
  if (restingStatus !== "CANCELED") await sleep(100);
}
if (restingStatus !== "CANCELED") fail("cancel", `status ${restingStatus}`);
const rejected = rows().find((r) => cells(r)[12] === "REJECTED");
if (!rejected || !cells(rejected)[14]) fail("orders table", "the refused order shows no reason");

// 5. The portfolio shows the filled buy.
const marketRow = cells(byOrder(marketID));
if (marketRow[9] !== "market" || !/^\d+\.\d\d$/.test(marketRow[11])) fail("orders table", `market order row: ${marketRow}`);
const line = elements.positions.children.map(cells).find((c) => c[0] === "CLIENT1" && c[1] === "RELIANCE");
if (!line || line[7] !== "1") fail("portfolio", `CLIENT1 RELIANCE line: ${JSON.stringify(line)}`);

// 6. Funds: with the client filter on CLIENT1, its funds and what uses them (seeded available ₹20,00,000): the
// filled market buy is delivery paid today, the resting double-click order (3 × 1400.50) blocks 4201.50.
if (!elements.funds.hidden) fail("funds", "shown without a client");
elements["client-filter"].value = "CLIENT1";
await refreshed("funds");
if (elements.funds.hidden) fail("funds", "not shown for CLIENT1");
const funds = Object.fromEntries(elements["funds-rows"].children.map(cells));
if (funds["Available"] !== "2000000.00") fail("funds", `available: ${JSON.stringify(funds)}`);
if (funds["Cash: working orders"] !== "4201.50") fail("funds", `working orders: ${JSON.stringify(funds)}`);
if (!/^[1-9]\d*\.\d\d$/.test(funds["Cash: delivery paid today"] || "")) fail("funds", `delivery paid: ${JSON.stringify(funds)}`);
if (funds["F&O: SPAN + exposure"] !== "0.00") fail("funds", `F&O part: ${JSON.stringify(funds)}`);
elements["client-filter"].value = "NOLIMITS";
await refreshed("funds without limits");
if (!elements["funds-note"].textContent.startsWith("No risk limits for NOLIMITS")) fail("funds", `note: ${elements["funds-note"].textContent}`);
elements["client-filter"].value = "";
await refreshed("all clients again");
if (!elements.funds.hidden) fail("funds", "still shown without a client");

console.log(JSON.stringify({ ok: true, resting: restingID, market: marketID, double: doubleID, refused: unknown.text, zero: zero.text,
                             rejectedReason: cells(rejected)[14], position: line, funds }));
