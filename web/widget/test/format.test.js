import assert from "node:assert/strict";
import { test } from "node:test";

import { resolveConfig } from "../src/config.js";
import { botEntry, prepareOutgoing, safeHref, toSegments } from "../src/format.js";

test("links: only safe protocols become links", () => {
  assert.equal(safeHref("javascript:alert(1)"), null);
  assert.equal(safeHref("data:text/html,<b>x</b>"), null);
  assert.equal(safeHref("www.988lifeline.org"), "https://www.988lifeline.org/");
  assert.equal(safeHref("tel:988"), "tel:988");
  const segments = toSegments("[click](javascript:alert(1)) and [ok](https://example.org/a)");
  assert.deepEqual(
    segments.filter((s) => s.type === "link").map((s) => s.href),
    ["https://example.org/a"],
  );
  assert.ok(segments.some((s) => s.type === "text" && s.text.includes("[click](javascript:alert(1")));
});

test("bare URLs lose trailing punctuation, keep balanced parentheses", () => {
  const [text, link, rest] = toSegments("See https://example.org/x. Then");
  assert.deepEqual(text, { type: "text", text: "See " });
  assert.deepEqual(link, { type: "link", text: "https://example.org/x", href: "https://example.org/x" });
  assert.deepEqual(rest, { type: "text", text: ". Then" });
  const wiki = toSegments("(https://en.wikipedia.org/wiki/Foo_(bar))");
  assert.equal(wiki[1].href, "https://en.wikipedia.org/wiki/Foo_(bar)");
  assert.equal(wiki[2].text, ")");
});

test("line breaks and e-mail addresses", () => {
  const segments = toSegments("Line one\nmail intake@example.org");
  assert.deepEqual(segments[1], { type: "break" });
  assert.equal(segments[3].href, "mailto:intake@example.org");
});

test("markup stays text", () => {
  const segments = toSegments('<img src=x onerror="alert(1)">');
  assert.deepEqual(segments, [{ type: "text", text: '<img src=x onerror="alert(1)">' }]);
});

test("bot payloads: quick replies, staff metadata, images and nothing renderable", () => {
  const entry = botEntry({
    text: "Pick one",
    quick_replies: [{ content_type: "text", title: "Yes", payload: "/affirm" }, { title: 3 }],
  });
  assert.deepEqual(entry, { from: "bot", text: "Pick one", buttons: [{ title: "Yes", payload: "/affirm" }] });
  assert.deepEqual(botEntry({ text: "Hi, I'm Sam", metadata: { sender: "staff", name: "Sam" } }), {
    from: "staff",
    text: "Hi, I'm Sam",
    name: "Sam",
  });
  assert.equal(botEntry({ attachment: { type: "image", payload: { src: "javascript:alert(1)" } } }), null);
  assert.equal(botEntry({ attachment: { type: "image", payload: { src: "https://x.org/a.png" } } }).image, "https://x.org/a.png");
  assert.equal(botEntry({}), null);
  assert.equal(botEntry(null), null);
});

test("outgoing text is trimmed and capped", () => {
  assert.deepEqual(prepareOutgoing("   ", 5), { text: "", truncated: false });
  assert.deepEqual(prepareOutgoing(" hello ", 5), { text: "hello", truncated: false });
  assert.deepEqual(prepareOutgoing("abcdefg", 5), { text: "abcde", truncated: true });
});

test("config: data attributes override, bad values fall back", () => {
  const config = resolveConfig({ serverUrl: "http://localhost:5005/", maxLength: "abc", position: "top" });
  assert.equal(config.serverUrl, "http://localhost:5005");
  assert.equal(config.maxLength, 2000);
  assert.equal(config.position, "right");
  assert.equal(config.storageKey, "iop-chat:v1:http://localhost:5005");
  assert.equal(resolveConfig({ open: "" }).open, true);
  assert.equal(resolveConfig({ open: "false" }).open, false);
});
