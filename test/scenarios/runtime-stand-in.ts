/**
 * Scenario: the Bubble runtime stand-in itself, as strict as Bubble's plugin API v4, with probe actions
 * written here in Bubble's layout (a server.js that reports what it sees). Prints one report for
 * test/runtime-stand-in.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { BubbleRuntime } from "../../src/emulator/runtime.js";
import { printReport } from "../support/observe.js";

const dir = mkdtempSync(path.join(tmpdir(), "stand-in-"));

/** Writes one probe action: params.json as given, server.js the function text. */
function probe(folder: string, params: Record<string, unknown>, server: string): void {
  mkdirSync(path.join(dir, folder));
  writeFileSync(path.join(dir, folder, "params.json"), JSON.stringify({ type: "server_side", ...params }));
  writeFileSync(path.join(dir, folder, "server.js"), server);
}

const text = (name: string) => ({ caption: name, name, editor: "DynamicValue", value: "text" });
const out = (name: string) => ({ caption: name, name, value: "text" });

probe(
  "AAB-850m2",
  { display: "require", fields: { AAC: text("module") }, return_value: { AAD: out("answer") } },
  `async function(properties, context) {
    try { require(properties.module); return { answer: "loaded" }; }
    catch (error) { return { answer: String(error.code) + ": " + error.message }; }
  }`,
);
probe(
  "AAE-850ma",
  { display: "context", return_value: { AAF: out("answer") } },
  `async function(properties, context) {
    const user = context.currentUser;
    const described = user === null ? null : {
      id: user.id,
      properties: user.listProperties(),
      email: await user.get("email"),
      missing: await user.get("nothing"),
      isThing: context.isBubbleThing(user),
    };
    const found = await context.getThingById("t1");
    const many = await context.getThingsById(["t1", "nope"]);
    const tags = found && await found.get("tags");
    const iterated = [];
    if (tags) for await (const tag of tags) iterated.push(tag);
    return { answer: JSON.stringify({
      user: described,
      contextKeys: Object.keys(context).sort(),
      v3: context.v3 && Object.keys(context.v3).sort(),
      v3Async: await context.v3.async((callback) => callback(null, "done")),
      async: typeof context.async,
      found: found && { id: found.id, name: await found.get("name"), all: Object.keys(await found.getAll()) },
      many: many.map((thing) => thing && thing.id),
      tags: tags && { isList: context.isBubbleList(tags), length: await tags.length(), first: await tags.get(0, 1), iterated },
      plainArrayIsList: context.isBubbleList(["a"]),
      lookalikeIsThing: context.isBubbleThing({ id: "x", get() {}, listProperties() {} }),
    }) };
  }`,
);
probe(
  "AAG-850me",
  {
    display: "list",
    fields: { AAH: { ...text("items"), is_list: true } },
    return_value: { AAI: out("answer") },
  },
  `async function(properties, context) {
    const seen = [];
    for await (const item of properties.items) seen.push(item);
    return { answer: JSON.stringify({ seen, length: await properties.items.length(), got: await properties.items.get(1, 2) }) };
  }`,
);
probe(
  "AAJ-850mm",
  {
    display: "checkbox",
    fields: {
      AAK: { caption: "On", name: "on", editor: "Checkbox", default_val: true },
      AAL: { caption: "Off", name: "off", editor: "Checkbox", default_val: false },
    },
    return_value: { AAM: out("answer") },
  },
  `async function(properties) { return { answer: JSON.stringify([properties.on, properties.off]) }; }`,
);
probe("AAN-850mw", { display: "no fields" }, "async function(properties, context) { return {}; }");
probe(
  "AAP-850n0",
  { display: "fetch", fields: { AAQ: text("url") }, return_value: { AAR: out("answer") } },
  `async function(properties) {
    const response = await fetch(properties.url);
    const body = response.body;
    const reader = typeof body.getReader === "function";
    let text = "";
    if (reader) text = await response.text();
    else for await (const chunk of body) text += chunk;
    return { answer: JSON.stringify({ nodeFetch: typeof fetch.isRedirect === "function", reader, stream: typeof body.pipe === "function", text }) };
  }`,
);

const server = createServer((_request, response) => response.end('{"keys":[]}'));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
const report: Record<string, unknown> = { node: process.version };
const run = async (name: string, call: () => Promise<unknown>) => {
  try {
    const result = (await call()) as { values: Record<string, unknown> };
    const answer = result.values.answer;
    report[name] = typeof answer === "string" && /^[[{]/.test(answer) ? JSON.parse(answer) : answer;
    if (answer === undefined) report[name] = result.values;
  } catch (error) {
    report[name] = { threw: String(error) };
  }
};
try {
  const user = { id: "u1", fields: { email: "a@example.com", name: "A" } };
  const things = [{ id: "t1", fields: { name: "Thing one", tags: ["x", "y"] } }];
  const runtime = new BubbleRuntime(dir, { currentUser: user, things });
  const noUser = new BubbleRuntime(dir);
  const nullUser = new BubbleRuntime(dir, { currentUser: null });
  const nodeOwn = new BubbleRuntime(dir, { fetch: "node" });
  for (const module of ["node:crypto", "crypto", "jose", "node-fetch", "./server.js"])
    await run(`require ${module}`, () => runtime.call("require", { module }));
  await run("context with a user", () => runtime.call("context", {}));
  await run("context without a user", () => noUser.call("context", {}));
  await run("context with a null user", () => nullUser.call("context", {}));
  await run("list", () => runtime.call("list", { items: ["a", "b", "c"] }));
  await run("checkbox left alone", () => runtime.call("checkbox", {}));
  await run("checkbox clicked", () => runtime.call("checkbox", { on: false, off: true }));
  await run("no fields", () => runtime.call("no fields", {}));
  await run("fetch by default", () => runtime.call("fetch", { url }));
  await run("fetch: Node's own", () => nodeOwn.call("fetch", { url }));
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
printReport(report);
