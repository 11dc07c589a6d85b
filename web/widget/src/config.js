// Widget configuration: defaults, merged with `window.IOPChatConfig` and the script tag's data-* attributes.

export const DEFAULTS = Object.freeze({
  serverUrl: "", // Rasa's socket.io origin, e.g. http://localhost:5005 ("" = this page's origin)
  socketPath: "/socket.io",
  title: "Questions about our programs",
  subtitle: "Automated assistant · general information only",
  launcherLabel: "Chat with us",
  initialMessage:
    "Hi! I can answer questions about intensive outpatient programs (IOP), help you see whether one " +
    "might fit, and connect you with our team. I'm an automated assistant, not a clinician.",
  initPayload: "", // sent once, silently, when a new conversation starts (e.g. "/greet")
  primaryColor: "#0a5a8a", // header, launcher and your messages; keep white text readable (4.5:1)
  primaryTextColor: "#ffffff",
  position: "right",
  maxLength: 2000,
  open: false,
  cssUrl: "", // default: widget.css next to widget.js
  storageKey: "", // default: derived from serverUrl
});

const DATA_ATTRIBUTES = {
  serverUrl: "data-server-url",
  socketPath: "data-socket-path",
  title: "data-title",
  subtitle: "data-subtitle",
  launcherLabel: "data-launcher-label",
  initialMessage: "data-initial-message",
  initPayload: "data-init-payload",
  primaryColor: "data-primary-color",
  primaryTextColor: "data-primary-text-color",
  position: "data-position",
  maxLength: "data-max-length",
  open: "data-open",
  cssUrl: "data-css-url",
  storageKey: "data-storage-key",
};

/** Settings from a script element's data-* attributes (only those present). */
export function fromAttributes(element) {
  const found = {};
  if (!element || typeof element.getAttribute !== "function") return found;
  for (const [key, attribute] of Object.entries(DATA_ATTRIBUTES)) {
    const value = element.getAttribute(attribute);
    if (value !== null) found[key] = value;
  }
  return found;
}

/** Defaults overridden by each source in turn; values of the wrong kind fall back to the default. */
export function resolveConfig(...sources) {
  const merged = { ...DEFAULTS };
  for (const source of sources) {
    if (!source || typeof source !== "object") continue;
    for (const key of Object.keys(DEFAULTS)) {
      if (source[key] !== undefined && source[key] !== null) merged[key] = source[key];
    }
  }
  for (const key of Object.keys(DEFAULTS)) {
    const fallback = DEFAULTS[key];
    if (typeof fallback === "string") merged[key] = String(merged[key]);
  }
  merged.open = merged.open === true || merged.open === "true" || merged.open === "";
  const max = Number.parseInt(merged.maxLength, 10);
  merged.maxLength = Number.isFinite(max) && max > 0 ? Math.min(max, 10000) : DEFAULTS.maxLength;
  merged.position = merged.position === "left" ? "left" : "right";
  merged.serverUrl = merged.serverUrl.trim().replace(/\/+$/, "");
  if (!merged.socketPath.startsWith("/")) merged.socketPath = `/${merged.socketPath}`;
  if (!merged.storageKey) merged.storageKey = `iop-chat:v1:${merged.serverUrl || "same-origin"}`;
  return merged;
}
