// The local console's page: plain DOM, no dependencies, nothing loaded from outside. Text from the app's
// data (emails, ids) is always set as text, never parsed as HTML.

const state = { page: "sessions", version: "live", requests: [], open: new Set() };

/** Creates an element with attributes and children (text or elements). */
function el(tag, attributes = {}, ...children) {
  const svg = ["svg", "line", "circle", "text", "title", "g", "path"].includes(tag);
  const node = svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
const dateTime = (ms) => new Date(ms).toLocaleString([], { hour12: false });

async function api(path, body) {
  const separator = path.includes("?") ? "&" : "?";
  const url = `/console/api/${path}${separator}version=${state.version}`;
  const response = await fetch(
    url,
    body === undefined
      ? {}
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
  );
  return response.json();
}

// Pages

function showPage(page) {
  state.page = page;
  for (const tab of document.querySelectorAll(".tab"))
    tab.setAttribute("aria-pressed", String(tab.dataset.page === page));
  for (const section of document.querySelectorAll(".page")) section.hidden = section.id !== `page-${page}`;
  refresh();
}

function refresh() {
  if (state.page === "sessions") loadSessions();
  if (state.page === "requests") loadRequests();
}

// Sessions

const KIND_COLOURS = {
  login: "#1a7f37",
  rotation: "#1f5fbf",
  retry: "#7aa7e6",
  reuse: "#c62828",
  refused: "#e08a00",
  call: "#9aa3b5",
  logout: "#4a4f5c",
  "logout-everywhere": "#4a4f5c",
  console: "#8a3ffc",
};

/** A session's requests on a time axis: one mark per event, labelled where it ended or began. */
function timeline(session, now) {
  const events = session.timeline;
  const start = Math.min(session.createdAt, ...events.map((event) => event.at));
  const end = Math.max(now, ...events.map((event) => event.at));
  const span = Math.max(end - start, 1);
  // Events by their time, but never closer than a mark's width: a retry a moment after its rotation stays
  // visible. When that pushes past the end, the whole row is squeezed back in.
  const xs = [];
  for (const event of events) {
    const at = 12 + ((event.at - start) / span) * 576;
    xs.push(xs.length === 0 ? at : Math.max(at, xs[xs.length - 1] + 14));
  }
  const last = xs.length > 0 ? xs[xs.length - 1] : 12;
  if (last > 588) for (let i = 0; i < xs.length; i++) xs[i] = 12 + ((xs[i] - 12) * 576) / (last - 12);
  const marks = events.map((event, i) =>
    el(
      "g",
      { class: "event", "data-kind": event.kind },
      el(
        "circle",
        {
          cx: xs[i],
          cy: 18,
          r: event.kind === "call" ? 3.5 : 6,
          fill: KIND_COLOURS[event.kind] ?? "#999",
        },
        el("title", {}, `${event.kind} at ${time(event.at)} (${event.outcome})`),
      ),
      ["login", "reuse", "logout", "logout-everywhere", "console"].includes(event.kind)
        ? el("text", { x: xs[i], y: 40, "text-anchor": "middle" }, event.kind)
        : null,
    ),
  );
  return el(
    "svg",
    {
      class: "timeline",
      viewBox: "0 0 600 46",
      role: "img",
      "aria-label": `timeline: ${events.map((e) => e.kind).join(", ") || "no requests since start"}`,
    },
    el("line", { class: "axis", x1: 12, y1: 18, x2: 588, y2: 18 }),
    marks,
  );
}

async function act(path, body, question) {
  if (!window.confirm(question)) return;
  const answer = await api(path, body);
  if (!answer.ok) window.alert(answer.error ?? "The change was not made.");
  refresh();
}

async function loadSessions() {
  const { users, now } = await api("sessions");
  const root = document.getElementById("users");
  root.replaceChildren(
    users.length === 0 ? el("p", { class: "empty" }, "No users yet in this version.") : "",
    ...users.map((user) =>
      el(
        "article",
        { class: "user", "data-user": user.id },
        el(
          "div",
          { class: "user-head" },
          el("span", { class: "email" }, user.email),
          el("code", {}, user.id),
          el(
            "button",
            {
              type: "button",
              class: "action",
              onclick: () =>
                act("log-out-everywhere", { user_id: user.id }, `Log ${user.email} out everywhere?`),
            },
            "Log out everywhere",
          ),
          el(
            "button",
            {
              type: "button",
              class: "action danger",
              onclick: () => act("delete-user", { user_id: user.id }, `Delete ${user.email}?`),
            },
            "Delete user",
          ),
        ),
        user.sessions.length === 0 ? el("p", { class: "empty" }, "No sessions.") : "",
        ...user.sessions.map((session) =>
          el(
            "div",
            { class: "session", "data-session": session.sessionId, "data-state": session.state },
            el(
              "div",
              {},
              el("span", { class: "badge", "data-state": session.state }, session.state),
              el("br"),
              el("code", { title: "session_id" }, session.sessionId),
              el("br"),
              el("span", { class: "muted" }, `since ${dateTime(session.createdAt)}`),
            ),
            timeline(session, now),
            session.state === "active" || session.state === "in retry window"
              ? el(
                  "button",
                  {
                    type: "button",
                    class: "action danger",
                    onclick: () => act("end-session", { session_id: session.sessionId }, "End this session?"),
                  },
                  "End session",
                )
              : el("span"),
          ),
        ),
      ),
    ),
  );
}

// Requests

function filters() {
  const form = new FormData(document.getElementById("filters"));
  return {
    user: form.get("user") || "",
    session: form.get("session") || "",
    outcome: form.get("outcome") || "",
  };
}

function matches(record, filter) {
  if (record.version !== state.version) return false;
  if (filter.user && record.userId !== filter.user) return false;
  if (filter.session && record.sessionId !== filter.session) return false;
  if (filter.outcome === "ok" && record.outcome !== "ok") return false;
  if (filter.outcome === "refused" && record.outcome === "ok") return false;
  return true;
}

async function loadRequests() {
  const filter = filters();
  const query = new URLSearchParams({ user: filter.user, session: filter.session, outcome: filter.outcome });
  const { requests } = await api(`requests?${query}`);
  state.requests = requests;
  renderRequests();
}

function renderRequests() {
  const body = document.querySelector("#requests tbody");
  const rows = [];
  for (const record of state.requests) {
    const open = state.open.has(record.id);
    rows.push(
      el(
        "tr",
        {
          class: "request",
          "data-id": record.id,
          "data-outcome": record.outcome,
          "aria-expanded": String(open),
          onclick: () => toggle(record.id),
        },
        el("td", {}, time(record.at)),
        el("td", {}, record.workflow),
        el("td", { class: "outcome" }, `${record.httpStatus} ${record.outcome}`),
        el("td", {}, record.ms),
        el("td", {}, `${record.cost.actions} / ${record.cost.searches} / ${record.cost.writes}`),
        el("td", {}, record.cost.wu.toFixed(2)),
      ),
    );
    if (open) {
      rows.push(
        el(
          "tr",
          { class: "steps", "data-for": record.id },
          el(
            "td",
            { colspan: 6 },
            el("div", { class: "muted" }, [
              record.userId ? `user ${record.userId}` : "",
              record.sessionId ? ` · session ${record.sessionId}` : "",
            ]),
            record.steps.length === 0
              ? el("p", { class: "empty" }, "No workflow steps ran (Bubble answered before the workflow).")
              : el(
                  "ol",
                  { class: "steps" },
                  record.steps.map((step) =>
                    el(
                      "li",
                      { "data-status": step.status },
                      `Step ${step.index}: ${step.label}`,
                      step.note ? el("span", { class: "muted" }, ` — ${step.note}`) : "",
                      ` (${step.status})`,
                    ),
                  ),
                ),
          ),
        ),
      );
    }
  }
  body.replaceChildren(
    ...(rows.length > 0
      ? rows
      : [el("tr", {}, el("td", { colspan: 6, class: "empty" }, "No requests yet."))]),
  );
}

function toggle(id) {
  if (state.open.has(id)) state.open.delete(id);
  else state.open.add(id);
  renderRequests();
}

// Inspector

async function inspect(event) {
  event.preventDefault();
  const field = event.target.elements.token;
  const result = await api("inspect", { token: field.value });
  // The page never keeps a whole token on screen once it has been read.
  field.value = "";
  const block = (title, value) =>
    el(
      "div",
      {},
      el("h3", {}, title),
      value === undefined ? el("p", { class: "empty" }, "—") : el("pre", {}, JSON.stringify(value, null, 2)),
    );
  document
    .getElementById("inspection")
    .replaceChildren(
      el(
        "div",
        { class: "answer" },
        block("Header", result.header),
        block("Claims", result.claims),
        block("Decode", result.decode),
        block("Verify", result.verify),
        block("Session decision", result.session),
      ),
    );
}

// Live updates

function connect() {
  const status = document.getElementById("live-status");
  const source = new EventSource("/console/api/stream");
  source.onopen = () => {
    status.textContent = "live";
  };
  source.onerror = () => {
    status.textContent = "reconnecting…";
  };
  source.onmessage = (message) => {
    const record = JSON.parse(message.data);
    if (state.page === "requests" && matches(record, filters())) {
      state.requests.unshift(record);
      state.requests.length = Math.min(state.requests.length, 200);
      renderRequests();
    }
    if (state.page === "sessions" && record.version === state.version) loadSessions();
  };
}

for (const tab of document.querySelectorAll(".tab"))
  tab.addEventListener("click", () => showPage(tab.dataset.page));
document.getElementById("version").addEventListener("change", (event) => {
  state.version = event.target.value;
  state.open.clear();
  refresh();
});
document.getElementById("filters").addEventListener("input", () => loadRequests());
document.getElementById("filters").addEventListener("reset", () => setTimeout(loadRequests));
document.getElementById("inspect").addEventListener("submit", inspect);
document
  .getElementById("legend")
  .replaceChildren(
    ...Object.entries(KIND_COLOURS).map(([kind, colour]) =>
      el(
        "span",
        { class: "key" },
        el(
          "svg",
          { viewBox: "0 0 10 10", width: 10, height: 10 },
          el("circle", { cx: 5, cy: 5, r: 5, fill: colour }),
        ),
        ` ${kind}`,
      ),
    ),
  );
connect();
showPage("sessions");
