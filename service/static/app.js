"use strict";
// The caseworker page: plain DOM, no libraries, no network but this server. Data is always put in
// the page as text (never as HTML). The API key lives in sessionStorage: this tab only.

const $ = (id) => document.getElementById(id);
const KEY = "linkage-api-key";
const PROGRAMS = { "IV-A": "TANF", "IV-D": "Child support", "IV-E": "Foster care" };
const ROLES = { CP: "custodial parent", NCP: "non-custodial parent", PF: "alleged father", CH: "child" };
let lastResults = null;
let currentPurpose = "";  // why this search: asked once, sent with every look-up that follows from it

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "onclick") node.addEventListener("click", v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return node;
}

function table(caption, headers, rows) {
  const t = el("table", {}, el("caption", {}, caption));
  t.append(el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)))));
  const body = el("tbody");
  for (const r of rows) body.append(el("tr", {}, ...r.map((c) => el("td", {}, c))));
  t.append(body);
  return t;
}

class ApiError extends Error {}

async function api(path, { method = "GET", body, purpose } = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(KEY) || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (purpose) headers["X-Purpose"] = purpose;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await r.json().catch(() => ({}));
  if (r.status === 401) { signOut("Your key was not accepted. Sign in again."); throw new ApiError("not signed in"); }
  if (!r.ok) {
    const problems = (data.problems || []).map((p) => `${p.where.replace(/^body\./, "")}: ${p.problem}`).join("; ");
    throw new ApiError(problems || data.detail || `the server answered ${r.status}`);
  }
  return data;
}

function show(viewId) {
  for (const id of ["signin-view", "search-view", "person-view", "referral-view", "worklist-view"]) $(id).hidden = id !== viewId;
  for (const b of document.querySelectorAll("#tabs button")) {
    if (b.dataset.view === viewId) b.setAttribute("aria-current", "page"); else b.removeAttribute("aria-current");
  }
}

function signOut(message = "") {
  sessionStorage.removeItem(KEY);
  $("tabs").hidden = true; $("who").hidden = true; $("signout").hidden = true;
  $("signin-error").textContent = message;
  show("signin-view");
  $("api-key").focus();
}

async function signIn(key) {
  sessionStorage.setItem(KEY, key);
  try {
    const me = await api("/v1/whoami");
    $("who").textContent = `Signed in as ${me.name} (${me.role})`;
    fitSearchTo(me.searches_by || []);
    $("worklist-tab").hidden = !["ivd", "ive"].includes(me.role);
    $("who").hidden = false; $("signout").hidden = false; $("tabs").hidden = false;
    $("signin-error").textContent = "";
    show("search-view");
    $("s-purpose").focus();
  } catch (e) {
    if (!(e instanceof ApiError) || e.message !== "not signed in") signOut(e.message);
  }
}

function fitSearchTo(searchesBy) {
  // Offer only what this role may search by (the server refuses the rest anyway).
  for (const node of document.querySelectorAll(".by-address")) node.hidden = !searchesBy.includes("address");
  const ssn = searchesBy.includes("ssn"), last4 = searchesBy.includes("ssn_last4");
  $("s-ssn").hidden = $("s-ssn-label").hidden = !ssn && !last4;
  $("s-ssn-label").textContent = last4 ? "SSN or its last four" : "SSN (9 digits)";
}

function recordRows(records) {
  return records.map((r) => [
    PROGRAMS[r.source_system] || r.source_system, r.case_id, ROLES[r.role] || r.role, r.case_status || "",
    r.name, r.dob || "", r.ssn_last4 ? `***-**-${r.ssn_last4}` : "",
    r.address_withheld ? el("span", { class: "withheld" }, "withheld (family violence indicator)")
      : r.address ? [r.address.street, r.address.city, r.address.state, r.address.zip].filter(Boolean).join(", ") : "",
  ]);
}
const RECORD_HEADERS = ["Program", "Case", "Role", "Case status", "Name", "Date of birth", "SSN", "Address"];

function renderResults(data) {
  const box = $("results");
  box.replaceChildren();
  if (!data.candidates.length) { box.append(el("p", {}, "No one known matches. Check the spelling, or add a date of birth.")); return; }
  box.append(el("p", {}, `${data.candidates.length} possible ${data.candidates.length === 1 ? "person" : "people"}, best first.`));
  const nameOf = (c) => (c.records.find((r) => r.record_id === c.best_record_id) || c.records[0] || {}).name || c.person_id;
  const [best] = data.candidates;
  for (const c of data.candidates) {
    const name = nameOf(c);
    // two people the search brought up together: why the batch kept them apart
    const whyNot = c === best ? [] : [el("button", { type: "button", class: "why-not",
      onclick: (ev) => explainPair(best.best_record_id, c.best_record_id, ev.target.nextElementSibling) },
      `Why is this not the same person as ${nameOf(best)}?`), el("div", { class: "why-box", "aria-live": "polite" })];
    box.append(el("article", { class: "candidate" },
      el("h3", {}, `${name} `, el("span", { class: "prob" }, `${Math.round(c.match_probability * 1000) / 10}% match`)),
      el("p", { class: "evidence" }, c.evidence.map((e) => e.text).join("; ")),
      table(`Records of ${name}`, RECORD_HEADERS, recordRows(c.records)),
      el("button", { type: "button", onclick: () => openPerson(c.person_id) }, `Open ${name}`), ...whyNot));
  }
}

async function search(ev) {
  ev.preventDefault();
  const f = new FormData($("search-form"));
  const body = {};
  const fields = { first_name: "s-first", last_name: "s-last", dob: "s-dob", street: "s-street", zip: "s-zip" };
  for (const [k, id] of Object.entries(fields)) if (!$(id).hidden && $(id).value.trim()) body[k] = $(id).value.trim();
  const ssn = $("s-ssn").hidden ? "" : f.get("ssn").replace(/[^0-9]/g, "");
  if (ssn.length === 4) body.ssn_last4 = ssn; else if (ssn) body.ssn = ssn;
  $("search-error").textContent = "";
  currentPurpose = f.get("purpose").trim();
  try {
    lastResults = await api("/v1/match", { method: "POST", body, purpose: currentPurpose });
    renderResults(lastResults);
  } catch (e) { $("search-error").textContent = e.message; }
}

async function openPerson(personId, purpose = currentPurpose) {
  $("father").replaceChildren(); $("father-error").textContent = "";
  $("family-figure").hidden = true; $("family-diagram").replaceChildren();
  if (!purpose) { $("search-error").textContent = "Say why you are looking (first field of the search) before opening a person."; return; }
  currentPurpose = purpose;
  try {
    const p = await api(`/v1/persons/${encodeURIComponent(personId)}`, { purpose });
    const name = (p.records[0] || {}).name || personId;
    $("person-title").textContent = `${name} (${p.person_id})`;
    // one row per person, however many of their records the cases hold
    const byPerson = new Map();
    for (const m of p.family) {
      const row = byPerson.get(m.person_id) || { name: m.name, roles: new Set(), cases: [] };
      row.roles.add(ROLES[m.role] || m.role);
      row.cases.push(`${PROGRAMS[m.source_system] || m.source_system} case ${m.case_id}`);
      byPerson.set(m.person_id, row);
    }
    const family = [...byPerson].map(([pid, m]) => [m.name, [...m.roles].join(", "), m.cases.join("; "),
      el("button", { type: "button", onclick: () => openPerson(pid) }, `Open ${m.name}`)]);
    const first = p.records[0];
    const why = p.records.slice(1).map((r) => el("button", { type: "button", class: "why",
      onclick: () => explainPair(first.record_id, r.record_id) }, `Why are ${first.record_id} and ${r.record_id} one person?`));
    $("person").replaceChildren(
      table(`Records of ${name} by program`, RECORD_HEADERS, recordRows(p.records)),
      el("div", { class: "no-print" }, ...why), el("div", { id: "why", "aria-live": "polite" }),
      table("Family members through these cases", ["Name", "Role", "Cases", ""], family));
    const isChild = p.records.some((r) => r.role === "CH");
    $("father-form").hidden = !isChild;
    $("father-form").dataset.person = p.person_id;
    show("person-view");
    $("person-title").focus();
  } catch (e) { $("search-error").textContent = e.message; }
}

function where(person) {
  if (person.location_withheld) return el("span", { class: "withheld" }, person.location_withheld);
  if (!person.addresses.length) return "no address known";
  return el("ul", {}, ...person.addresses.map((a) =>
    el("li", {}, `${[a.street, a.city, a.state, a.zip].filter(Boolean).join(", ")} (from ${a.sources.join("; ")})`)));
}

async function explainPair(a, b, box = $("why")) {
  try {
    const x = await api("/v1/explain", { method: "POST", body: { record_a: a, record_b: b }, purpose: currentPurpose });
    box.replaceChildren(el("article", { class: "candidate" },
      el("h3", {}, `${a} and ${b}: ${x.decision}`),
      el("p", {}, `Compared by: ${x.compared_by.join(", ") || "no blocking rule"}. ` +
        `Match probability ${Math.round(x.probability * 1000) / 10}% (links from ${x.link_threshold * 100}%).`),
      table("What the two records agree on", ["Comparison", "Outcome"], x.evidence.map((e) => [e.comparison.replace("_", " "), e.level])),
      ...(x.chain.length ? [el("p", {}, "Joined through: " + x.chain.map((c) => `${c.record_l} - ${c.record_r}`).join(", "))] : []),
      ...x.would_flip.map((f) => el("p", {}, f))));
  } catch (e) { box.replaceChildren(el("p", { class: "error" }, e.message)); }
}

// The family diagram: drawn here as SVG (no library), from the locate answer. One box per person.
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function cases(person) {
  const seen = new Set();
  for (const c of person.cases || []) seen.add(`${PROGRAMS[c.source_system] || c.source_system} ${c.case_id} · ${c.role} · ${(c.case_status || "").toLowerCase()}`);
  return [...seen];
}

function familyRows(a) {
  // rows of [person, label]: grandparents; aunts/uncles and parents; the child and its siblings
  const rel = (pred) => a.relatives.filter(pred).map((r) => [r.person, r.relationship]);
  const paternal = (r) => r.side === "paternal", maternal = (r) => r.side === "maternal";
  const grand = (r) => r.relationship.includes("grand");
  const auntOrUncle = (r) => r.relationship.endsWith("'s sibling");
  const sibling = (r) => r.relationship.startsWith("sibling") || r.relationship.startsWith("half-sibling");
  const keeper = (r) => r.relationship.startsWith("custodial parent");
  const self = (r) => r.relationship.startsWith("possibly this child");  // its records the linkage did not join
  return [
    [...rel((r) => paternal(r) && grand(r)), ...rel((r) => maternal(r) && grand(r))],
    [...rel((r) => keeper(r)), ...rel((r) => paternal(r) && auntOrUncle(r)),
     ...a.fathers.map((f) => [f.person, `father${f.paternity_status ? ` (${f.paternity_status.toLowerCase()})` : ""}`]),
     ...a.mothers.map((m) => [m, "mother"]), ...rel((r) => maternal(r) && auntOrUncle(r))],
    [[a.child, "this child"], ...rel(self), ...rel(sibling)],
  ];
}

function drawFamily(a) {
  const seen = new Set();  // one box per person, in the first row that has them
  const rows = familyRows(a).map((row) => row.filter(([p]) => !seen.has(p.person_id) && seen.add(p.person_id)))
    .filter((row) => row.length);
  const W = 250, H = 96, GAP = 14, ROW = 150;
  const width = Math.max(...rows.map((r) => r.length), 1) * (W + GAP) + GAP;
  const root = svg("svg", { width, height: rows.length * ROW, viewBox: `0 0 ${width} ${rows.length * ROW}`, role: "img",
                            "aria-label": `Family of ${a.child.name}` });
  const at = {};
  rows.forEach((row, y) => row.forEach(([p], x) => { at[p.person_id] = [GAP + x * (W + GAP) + W / 2, y * ROW + 10]; }));
  const line = (from, to) => root.append(svg("line", { x1: from[0], y1: from[1] + H, x2: to[0], y2: to[1], class: "tie" }));
  for (const f of [...a.fathers.map((f) => f.person), ...a.mothers]) {
    line(at[f.person_id], at[a.child.person_id]);
    for (const r of a.relatives.filter((r) => r.relationship.includes("grand") && at[r.person.person_id]))
      if ((r.side === "paternal") === a.fathers.some((x) => x.person.person_id === f.person_id)) line(at[r.person.person_id], at[f.person_id]);
  }
  rows.forEach((row, y) => row.forEach(([p, label], x) => {
    const g = svg("g", { class: `person${p.person_id === a.child.person_id ? " self" : ""}${p.location_withheld ? " protected" : ""}`,
                         "data-person": p.person_id, transform: `translate(${GAP + x * (W + GAP)}, ${y * ROW + 10})` });
    g.append(svg("rect", { width: W, height: H, rx: 6 }));
    g.append(svg("text", { x: 8, y: 18, class: "name" }, p.name || p.person_id));
    g.append(svg("text", { x: 8, y: 34, class: "label" }, `${label} · ${p.person_id}`));
    cases(p).slice(0, 3).forEach((c, i) => g.append(svg("text", { x: 8, y: 50 + i * 14, class: "case" }, c)));
    if (p.location_withheld) g.append(svg("text", { x: 8, y: H - 6, class: "withheld" }, "protected: no location shown"));
    root.append(g);
  }));
  $("family-diagram").replaceChildren(root);
  $("family-figure").hidden = false;
}

async function findFather(ev) {
  ev.preventDefault();
  const purpose = $("f-purpose").value.trim();
  $("father-error").textContent = "";
  try {
    const a = await api(`/v1/children/${encodeURIComponent($("father-form").dataset.person)}/father`, { purpose });
    const box = $("father");
    box.replaceChildren();
    if (a.as_of) box.append(el("p", { class: "hint" }, `Addresses as the programs held them on ${a.as_of.replace("T", " ")} UTC (batch run ${a.index_run_id}).`));
    if (!a.fathers.length) box.append(el("p", {}, a.note || "No father is named in this child's cases."));
    for (const f of a.fathers) {
      box.append(el("article", { class: "candidate" },
        el("h3", {}, `Father: ${f.person.name} (${f.person.person_id})`),
        el("p", {}, `Paternity: ${f.paternity_status || "not recorded"}. Cases: ` +
          f.person.cases.map((c) => `${PROGRAMS[c.source_system] || c.source_system} case ${c.case_id} (${ROLES[c.role] || c.role}, ${c.case_status})`).join("; ")),
        el("div", {}, el("strong", {}, "Last known addresses: "), where(f.person)),
        table("Relatives known here", ["Name", "Relationship", "Address"],
          f.relatives.map((r) => [r.person.name, r.relationship, where(r.person)]))));
    }
    drawFamily(a);
  } catch (e) { $("father-error").textContent = e.message; }
}

// The placement worklist: one row per child in care and named father, sortable by any column.
const WORKLIST = [
  ["permanency_date", "Permanency date", (r) => r.permanency_date],
  ["days_to_permanency", "Days left", (r) => r.days_to_permanency],
  ["child_name", "Child", (r) => `${r.child_name} (${r.child_person_id})`],
  ["months_in_care", "Months in care", (r) => r.months_in_care],
  ["case_goal", "Goal", (r) => r.case_goal || ""],
  ["father_name", "Father", (r) => r.father_person_id ? `${r.father_name} (${r.father_person_id})` : "none named"],
  ["father_basis", "Named as father", (r) => r.father_basis || ""],
  ["father_identified", "Identified", (r) => yesNo(r.father_identified)],
  ["father_located", "Located", (r) => yesNo(r.father_located)],
  ["paternity_status", "Paternity", (r) => [r.paternity_status, r.paternity_source].filter(Boolean).join(", ")],
  ["paternity_conflict", "Conflict", (r) => r.paternity_conflict || ""],
  ["relatives_found", "Relatives", (r) => r.relatives_found],
  ["ivd_case_ids", "Child support case", (r) => r.ivd_case_ids || "none"],
];
let worklistRows = [];
let worklistSort = { key: "permanency_date", up: true };
const yesNo = (b) => (b ? "yes" : "no");

function renderWorklist() {
  const { key, up } = worklistSort;
  const value = (r) => r[key] ?? "";
  const rows = [...worklistRows].sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : 0) * (up ? 1 : -1));
  const head = el("tr", {}, ...WORKLIST.map(([k, label]) => {
    const th = el("th", { scope: "col", "aria-sort": k === key ? (up ? "ascending" : "descending") : "none" });
    th.append(el("button", { type: "button", class: "sort", onclick: () => {
      worklistSort = { key: k, up: k === key ? !up : true }; renderWorklist();
    } }, label));
    return th;
  }));
  const t = el("table", { id: "worklist-table" }, el("caption", {}, "Children in an open placement and each man named as their father"));
  t.append(el("thead", {}, head));
  const body = el("tbody");
  for (const r of rows) {
    const tr = el("tr", { class: r.days_to_permanency < 0 ? "overdue" : "" }, ...WORKLIST.map(([, , f]) => el("td", {}, String(f(r)))));
    body.append(tr);
  }
  t.append(body);
  $("worklist").replaceChildren(t);
}

async function showWorklist(ev) {
  ev.preventDefault();
  $("worklist-error").textContent = "";
  const asOf = $("w-asof").value;
  try {
    const d = await api(`/v1/worklist${asOf ? `?as_of=${encodeURIComponent(asOf)}` : ""}`, { purpose: $("w-purpose").value.trim() });
    worklistRows = d.rows;
    const overdue = new Set(d.rows.filter((r) => r.days_to_permanency < 0).map((r) => r.child_person_id)).size;
    const noFather = new Set(d.rows.filter((r) => !r.father_identified).map((r) => r.child_person_id)).size;
    $("worklist-summary").textContent = `${d.children} children in an open placement on ${d.counted_from}: ` +
      `${overdue} past their permanency date, ${noFather} without an identified father. No address is shown here: ` +
      "locate a father from the child's page.";
    renderWorklist();
  } catch (e) { $("worklist-error").textContent = e.message; }
}

function addPersonRow(role = "CH") {
  const n = $("people").tBodies[0].rows.length + 1;
  const select = el("select", { name: "role", "aria-label": `Role of person ${n}` },
    ...Object.entries(ROLES).map(([v, t]) => { const o = el("option", { value: v }, t); if (v === role) o.selected = true; return o; }));
  const input = (name, label) => el("input", { name, "aria-label": `${label} of person ${n}` });
  $("people").tBodies[0].append(el("tr", {}, el("td", {}, select), el("td", {}, input("first_name", "First name")),
    el("td", {}, input("last_name", "Last name")), el("td", {}, input("dob", "Date of birth")), el("td", {}, input("ssn", "SSN"))));
}

function fillFromPaste() {
  // Lines as a spreadsheet or a case system copies them: commas or tabs between the fields.
  const lines = $("paste").value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (!lines.length) { $("referral-error").textContent = "Nothing pasted."; return; }
  $("people").tBodies[0].replaceChildren();
  for (const line of lines) {
    const [role = "", first = "", last = "", dob = "", ssn = ""] = line.split(/\t|,/).map((x) => x.trim());
    const code = role.toUpperCase();
    addPersonRow(ROLES[code] ? code : "CH");
    const row = $("people").tBodies[0].lastElementChild;
    const values = { first_name: first, last_name: last, dob, ssn };
    for (const input of row.querySelectorAll("input")) input.value = values[input.name] || "";
  }
  $("referral-error").textContent = "";
}

async function checkReferral(ev) {
  ev.preventDefault();
  const people = [];
  for (const row of $("people").tBodies[0].rows) {
    const p = {};
    for (const input of row.querySelectorAll("input, select")) if (input.value.trim()) p[input.name] = input.value.trim();
    if (p.first_name || p.last_name || p.ssn || p.dob) people.push(p);
  }
  $("referral-error").textContent = "";
  try {
    const d = await api("/v1/referrals/check", { method: "POST", purpose: $("r-purpose").value.trim(), body: {
      referral_id: $("r-id").value.trim(), source_system: $("r-source").value, people } });
    const words = { existing_case: "This family already has a child support case", new_case: "No open child support case: a new case", review: "A person should decide" };
    $("decision").replaceChildren(
      el("p", { class: "decision" }, `${words[d.decision] || d.decision}${d.ivd_case_id ? `: case ${d.ivd_case_id}` : ""}`),
      el("p", {}, d.reasons),
      ...((d.fields_not_compared || []).length ? [el("p", { class: "note" },
        `Not compared (your role may not search by them): ${d.fields_not_compared.join(", ")}.`)] : []));
  } catch (e) { $("referral-error").textContent = e.message; }
}

$("signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn($("api-key").value.trim()); $("api-key").value = ""; });
$("signout").addEventListener("click", () => signOut());
$("search-form").addEventListener("submit", search);
$("father-form").addEventListener("submit", findFather);
$("referral-form").addEventListener("submit", checkReferral);
$("add-person").addEventListener("click", () => addPersonRow());
$("fill").addEventListener("click", fillFromPaste);
$("back").addEventListener("click", () => show("search-view"));
$("print").addEventListener("click", () => window.print());
$("worklist-form").addEventListener("submit", showWorklist);
$("w-print").addEventListener("click", () => window.print());
for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => show(b.dataset.view));
$("person-title").setAttribute("tabindex", "-1");
["CP", "NCP", "CH"].forEach(addPersonRow);
if (sessionStorage.getItem(KEY)) signIn(sessionStorage.getItem(KEY)); else show("signin-view");
