// Pure helpers: turn bot text into safe segments and bot_uttered payloads into transcript entries.
// Nothing here touches the DOM; the widget builds elements from these with textContent only.

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:", "sms:"]);

/** The href for `raw` if it uses an allowed protocol, else null (so `javascript:` never becomes a link). */
export function safeHref(raw) {
  if (typeof raw !== "string") return null;
  let candidate = raw.trim();
  if (!candidate || /[\s<>"]/.test(candidate)) return null;
  if (/^www\./i.test(candidate)) candidate = `https://${candidate}`;
  let url;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

/** An http(s) URL for images, else null. */
export function safeImageSrc(raw) {
  const href = safeHref(raw);
  return href && /^https?:/i.test(href) ? href : null;
}

// [label](url) | bare URL | e-mail address
const TOKEN =
  /\[([^\]\n]{1,300})\]\(([^()\s]{1,2000})\)|((?:https?:\/\/|www\.)[^\s<>"]+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** Drop trailing punctuation a sentence adds after a bare URL, keeping balanced parentheses. */
function trimUrl(url) {
  let end = url.length;
  for (;;) {
    const last = url[end - 1];
    if (".,;:!?'\"".includes(last)) {
      end -= 1;
    } else if (last === ")") {
      const body = url.slice(0, end);
      const opens = body.split("(").length - 1;
      const closes = body.split(")").length - 1;
      if (closes > opens) end -= 1;
      else break;
    } else {
      break;
    }
  }
  return url.slice(0, end);
}

function pushText(segments, text) {
  if (!text) return;
  const last = segments[segments.length - 1];
  if (last && last.type === "text") last.text += text;
  else segments.push({ type: "text", text });
}

/** Split one line into text and link segments. */
function lineSegments(line) {
  const segments = [];
  let index = 0;
  for (const match of line.matchAll(TOKEN)) {
    const [whole, label, target, bare, email] = match;
    let consumed = whole;
    let segment = null;
    if (label !== undefined) {
      const href = safeHref(target);
      segment = href ? { type: "link", text: label, href } : { type: "text", text: whole };
    } else if (bare !== undefined) {
      consumed = trimUrl(bare);
      const href = safeHref(consumed);
      segment = href ? { type: "link", text: consumed, href } : { type: "text", text: consumed };
    } else if (email !== undefined) {
      segment = { type: "link", text: email, href: `mailto:${email}` };
    }
    pushText(segments, line.slice(index, match.index));
    if (segment.type === "text") pushText(segments, segment.text);
    else segments.push(segment);
    index = match.index + consumed.length;
  }
  pushText(segments, line.slice(index));
  return segments;
}

/**
 * Segments for `text`: {type: "text", text}, {type: "link", text, href} and {type: "break"} for line breaks.
 * Links are only produced for http(s), mailto, tel and sms targets.
 */
export function toSegments(text) {
  if (typeof text !== "string" || !text) return [];
  const segments = [];
  text.replace(/\r\n?/g, "\n").split("\n").forEach((line, i) => {
    if (i > 0) segments.push({ type: "break" });
    segments.push(...lineSegments(line));
  });
  return segments;
}

function cleanButtons(list) {
  if (!Array.isArray(list)) return [];
  return list
    .filter((b) => b && typeof b.title === "string" && b.title.trim() && typeof b.payload === "string")
    .slice(0, 12)
    .map((b) => ({ title: b.title.trim(), payload: b.payload }));
}

function templateParts(payload) {
  const lines = [];
  const buttons = [];
  const elements = payload && payload.elements;
  for (const element of Array.isArray(elements) ? elements : elements ? [elements] : []) {
    if (!element || typeof element !== "object") continue;
    for (const key of ["title", "subtitle"]) {
      if (typeof element[key] === "string" && element[key].trim()) lines.push(element[key].trim());
    }
    for (const button of Array.isArray(element.buttons) ? element.buttons : []) {
      if (!button || typeof button.title !== "string") continue;
      if (typeof button.url === "string" && safeHref(button.url)) {
        lines.push(`[${button.title.replace(/[[\]]/g, "")}](${button.url})`);
      } else if (typeof button.payload === "string") {
        buttons.push({ title: button.title, payload: button.payload });
      }
    }
  }
  return { text: lines.join("\n"), buttons: cleanButtons(buttons) };
}

/**
 * A transcript entry (without id) for one Rasa `bot_uttered` payload, or null if nothing is renderable.
 * Staff replies during a handoff carry `metadata.sender === "staff"` (or `sender: "staff"`).
 */
export function botEntry(data) {
  if (!data || typeof data !== "object") return null;
  const metadata = data.metadata && typeof data.metadata === "object" ? data.metadata : {};
  const staff = metadata.sender === "staff" || data.sender === "staff";
  let text = typeof data.text === "string" ? data.text : "";
  let buttons = cleanButtons(data.quick_replies).concat(cleanButtons(data.buttons));
  let image = null;
  const attachment = data.attachment;
  if (attachment && typeof attachment === "object") {
    const payload = attachment.payload || {};
    if (attachment.type === "image") {
      image = safeImageSrc(payload.src || payload.url);
    } else if (attachment.type === "template") {
      const parts = templateParts(payload);
      text = [text, parts.text].filter(Boolean).join("\n");
      buttons = buttons.concat(parts.buttons);
    }
  }
  if (!text.trim() && !buttons.length && !image) return null;
  const entry = { from: staff ? "staff" : "bot", text };
  if (buttons.length) entry.buttons = buttons;
  if (image) entry.image = image;
  if (staff) {
    const name = metadata.name || metadata.staff_name || data.name;
    if (typeof name === "string" && name.trim()) entry.name = name.trim().slice(0, 60);
  }
  return entry;
}

/** The message to send for typed `raw` text: trimmed, capped at `max` characters. */
export function prepareOutgoing(raw, max) {
  const text = typeof raw === "string" ? raw.trim() : "";
  if (!text) return { text: "", truncated: false };
  const chars = Array.from(text);
  if (chars.length <= max) return { text, truncated: false };
  return { text: chars.slice(0, max).join(""), truncated: true };
}
