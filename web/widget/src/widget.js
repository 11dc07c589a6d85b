// The chat launcher and panel. Every piece of bot, staff or user text reaches the page through
// textContent or createTextNode (never innerHTML), so markup in a message is shown as text.

import { Connection } from "./connection.js";
import { botEntry, prepareOutgoing, toSegments } from "./format.js";
import { Store } from "./store.js";

const TYPING_TIMEOUT_MS = 25000;
const SVG_NS = "http://www.w3.org/2000/svg";

const STATUS_TEXT = {
  connecting: "Connecting…",
  online: "",
  reconnected: "Reconnected.",
  reconnecting: "Connection lost. Reconnecting…",
  unreachable: "Can't reach the assistant right now. Retrying…",
};

/** Create an element with attributes and children (strings become text nodes). */
function el(doc, tag, attributes = {}, children = []) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value === true) node.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  for (const child of children) node.append(typeof child === "string" ? doc.createTextNode(child) : child);
  return node;
}

function icon(doc, pathData) {
  const svg = doc.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = doc.createElementNS(SVG_NS, "path");
  path.setAttribute("d", pathData);
  svg.append(path);
  return svg;
}

const ICONS = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
  close: "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z",
  trash: "M9 3h6l1 2h4v2H4V5h4zm-3 6h12l-1 12H7z",
  send: "M3 20.5 21 12 3 3.5 3 10l12 2-12 2z",
};

export class ChatWidget {
  /**
   * @param {ReturnType<import("./config.js").resolveConfig>} config
   * @param {Document} doc
   * @param {Storage | null} storage
   */
  constructor(config, doc, storage) {
    this.config = config;
    this.doc = doc;
    this.store = new Store(config.storageKey, storage);
    this.connection = null;
    this.isOpen = false;
    this.typingTimer = null;
    this.statusTimer = null;
  }

  /** Add the launcher and panel to the page. */
  mount() {
    const doc = this.doc;
    this.host = el(doc, "div", { id: "iop-chat-widget", "data-position": this.config.position });
    for (const [property, value] of [
      ["--iop-primary", this.config.primaryColor],
      ["--iop-on-primary", this.config.primaryTextColor],
    ]) {
      if (value && globalThis.CSS && CSS.supports("color", value)) this.host.style.setProperty(property, value);
    }
    const root = this.host.attachShadow({ mode: "open" });
    this.root = root;
    const frame = el(doc, "div", { class: "frame", hidden: true });
    const stylesheet = el(doc, "link", { rel: "stylesheet", href: this.config.cssUrl });
    const reveal = () => frame.removeAttribute("hidden");
    stylesheet.addEventListener("load", reveal);
    stylesheet.addEventListener("error", reveal);
    root.append(stylesheet, frame);
    this.buildPanel(frame);
    this.buildLauncher(frame);
    doc.body.append(this.host);

    this.renderAll();
    if (this.store.state.sessionId) this.connect();
    if (this.store.state.open || this.config.open) this.open({ focus: false });
  }

  buildLauncher(frame) {
    const doc = this.doc;
    this.unread = el(doc, "span", { class: "unread", hidden: true, text: "New message" });
    this.launcher = el(
      doc,
      "button",
      { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "iop-panel" },
      [icon(doc, ICONS.chat), el(doc, "span", { text: this.config.launcherLabel }), this.unread],
    );
    this.launcher.addEventListener("click", () => (this.isOpen ? this.close() : this.open()));
    frame.append(this.launcher);
  }

  buildPanel(frame) {
    const doc = this.doc;
    const max = this.config.maxLength;
    this.closeButton = el(doc, "button", { type: "button", class: "icon-button", "aria-label": "Close chat" }, [
      icon(doc, ICONS.close),
    ]);
    this.clearButton = el(
      doc,
      "button",
      { type: "button", class: "icon-button", "aria-label": "Delete this conversation from this device" },
      [icon(doc, ICONS.trash)],
    );
    const crisis = el(doc, "p", { class: "crisis" }, [
      "In crisis? ",
      el(doc, "a", { href: "tel:988", text: "Call 988", "aria-label": "Call 988, the Suicide and Crisis Lifeline" }),
      " or ",
      el(doc, "a", { href: "sms:988", text: "text 988", "aria-label": "Text 988, the Suicide and Crisis Lifeline" }),
      " any time. Emergency: 911.",
    ]);
    const header = el(doc, "div", { class: "header" }, [
      el(doc, "div", { class: "titles" }, [
        el(doc, "h2", { id: "iop-title", text: this.config.title }),
        el(doc, "p", { class: "subtitle", text: this.config.subtitle }),
      ]),
      this.clearButton,
      this.closeButton,
      crisis,
    ]);
    this.status = el(doc, "p", { class: "status", role: "status", hidden: true });
    this.log = el(doc, "div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
      tabindex: "0",
    });
    this.typing = el(doc, "div", { class: "typing", role: "status", hidden: true }, [
      el(doc, "span", { class: "dot", "aria-hidden": "true" }),
      el(doc, "span", { class: "dot", "aria-hidden": "true" }),
      el(doc, "span", { class: "dot", "aria-hidden": "true" }),
      el(doc, "span", { class: "sr-only", text: "The assistant is typing" }),
    ]);
    this.input = el(doc, "textarea", {
      id: "iop-input",
      rows: "1",
      maxlength: String(max),
      placeholder: "Type your question…",
      "aria-describedby": "iop-limit",
      autocomplete: "off",
    });
    this.limitNote = el(doc, "p", {
      id: "iop-limit",
      class: "limit",
      hidden: true,
      text: `Messages can be up to ${max.toLocaleString("en-US")} characters; anything longer is cut off.`,
    });
    this.sendButton = el(doc, "button", { type: "submit", class: "send", "aria-label": "Send message" }, [
      icon(doc, ICONS.send),
    ]);
    this.form = el(doc, "form", { class: "composer" }, [
      el(doc, "label", { for: "iop-input", class: "sr-only", text: "Your message" }),
      this.input,
      this.sendButton,
    ]);
    const footer = el(doc, "p", {
      class: "disclaimer",
      text: "General information only, not a diagnosis. A clinician makes the final decision about your care.",
    });
    this.panel = el(
      doc,
      "div",
      {
        id: "iop-panel",
        class: "panel",
        role: "dialog",
        "aria-labelledby": "iop-title",
        hidden: true,
        "data-connection": "idle",
      },
      [header, this.status, this.log, this.typing, this.limitNote, this.form, footer],
    );
    frame.append(this.panel);

    this.closeButton.addEventListener("click", () => this.close());
    this.clearButton.addEventListener("click", () => this.clearConversation());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitTyped();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submitTyped();
      }
    });
    this.input.addEventListener("input", () => {
      this.limitNote.hidden = this.input.value.length < max;
      this.input.style.height = "auto";
      this.input.style.height = `${Math.min(this.input.scrollHeight, 140)}px`;
    });
  }

  // --- opening and closing -------------------------------------------------------------------------

  open({ focus = true } = {}) {
    this.isOpen = true;
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.host.setAttribute("data-open", "");
    this.unread.hidden = true;
    this.store.set({ open: true });
    if (!this.store.entries.length && this.config.initialMessage) {
      this.append(this.store.add({ from: "bot", text: this.config.initialMessage, local: true }));
    }
    this.connect();
    this.scrollToEnd();
    if (focus) this.input.focus();
  }

  close() {
    this.isOpen = false;
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.host.removeAttribute("data-open");
    this.store.set({ open: false });
    this.launcher.focus();
  }

  // --- connection ----------------------------------------------------------------------------------

  connect() {
    if (!this.connection) {
      this.connection = new Connection(this.config, {
        onState: (state) => this.setConnectionState(state),
        onSession: (id) => this.sessionConfirmed(id),
        onBotMessage: (data) => this.receive(data),
      });
    }
    this.connection.start(this.store.state.sessionId);
  }

  setConnectionState(state) {
    this.panel.setAttribute("data-connection", state);
    clearTimeout(this.statusTimer);
    const text = STATUS_TEXT[state] || "";
    this.status.textContent = text;
    this.status.hidden = !text;
    this.status.classList.toggle("warning", state === "reconnecting" || state === "unreachable");
    if (state === "reconnected") {
      this.statusTimer = setTimeout(() => {
        this.status.hidden = true;
        this.status.textContent = "";
      }, 3000);
    }
    if (state === "reconnecting" || state === "unreachable") this.hideTyping();
  }

  sessionConfirmed(id) {
    this.store.set({ sessionId: id });
    if (!this.store.state.started) {
      this.store.set({ started: true });
      if (this.config.initPayload) this.connection.send(this.config.initPayload);
    }
    this.flush();
  }

  // --- messages ------------------------------------------------------------------------------------

  submitTyped() {
    const { text, truncated } = prepareOutgoing(this.input.value, this.config.maxLength);
    if (!text) {
      this.input.value = "";
      this.input.focus();
      return;
    }
    this.limitNote.hidden = !truncated;
    this.input.value = "";
    this.input.style.height = "auto";
    this.sendUser(text, text);
    this.input.focus();
  }

  /** Show `shown` as the user's message and send `payload` (a button's payload, or the typed text). */
  sendUser(shown, payload) {
    for (const group of this.log.querySelectorAll(".quick")) group.remove();
    const entry = { from: "user", text: shown, pending: true };
    if (payload !== shown) entry.payload = payload;
    this.append(this.store.add(entry));
    this.flush();
  }

  /** Send queued user messages, oldest first, while the session is confirmed. */
  flush() {
    if (!this.connection) this.connect();
    for (const entry of this.store.entries.filter((e) => e.pending)) {
      if (!this.connection.send(entry.payload ?? entry.text)) return;
      this.replace(this.store.update(entry.id, { pending: false }));
      this.showTyping();
    }
  }

  receive(data) {
    const entry = botEntry(data);
    if (!entry) return;
    this.hideTyping();
    this.append(this.store.add(entry));
    if (!this.isOpen) this.unread.hidden = false;
  }

  clearConversation() {
    this.store.clear();
    this.log.replaceChildren();
    this.hideTyping();
    this.limitNote.hidden = true;
    this.store.set({ open: this.isOpen });
    if (this.connection) this.connection.restart();
    if (this.config.initialMessage) {
      this.append(this.store.add({ from: "bot", text: this.config.initialMessage, local: true }));
    }
    this.status.hidden = false;
    this.status.classList.remove("warning");
    this.status.textContent = "Conversation deleted from this device.";
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(() => {
      this.status.hidden = true;
    }, 4000);
    this.input.focus();
  }

  showTyping() {
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_TIMEOUT_MS);
    this.scrollToEnd();
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }

  // --- rendering -----------------------------------------------------------------------------------

  renderAll() {
    this.log.replaceChildren();
    const entries = this.store.entries;
    let lastUser = -1;
    entries.forEach((e, i) => {
      if (e.from === "user") lastUser = i;
    });
    entries.forEach((entry, i) => {
      this.log.append(this.renderEntry(entry));
      if (i > lastUser && entry.buttons) this.log.append(this.renderQuickReplies(entry.buttons));
    });
  }

  append(entry) {
    this.log.append(this.renderEntry(entry));
    if (entry.from !== "user" && entry.buttons) this.log.append(this.renderQuickReplies(entry.buttons));
    this.scrollToEnd();
  }

  replace(entry) {
    if (!entry) return;
    const old = this.log.querySelector(`[data-id="${Number(entry.id)}"]`);
    if (old) old.replaceWith(this.renderEntry(entry));
  }

  renderEntry(entry) {
    const doc = this.doc;
    const from = ["user", "bot", "staff"].includes(entry.from) ? entry.from : "bot";
    const item = el(doc, "div", { class: `msg msg--${from}`, "data-id": entry.id, "data-from": from });
    if (from === "staff") {
      item.append(el(doc, "p", { class: "who", text: entry.name ? `Staff · ${entry.name}` : "Staff member" }));
    } else {
      item.append(el(doc, "span", { class: "sr-only", text: from === "user" ? "You said: " : "Assistant said: " }));
    }
    const bubble = el(doc, "div", { class: "bubble" });
    for (const segment of toSegments(entry.text)) {
      if (segment.type === "break") {
        bubble.append(doc.createElement("br"));
      } else if (segment.type === "link") {
        const external = /^https?:/i.test(segment.href);
        bubble.append(
          el(doc, "a", {
            href: segment.href,
            text: segment.text,
            target: external ? "_blank" : null,
            rel: external ? "noopener noreferrer nofollow" : null,
          }),
        );
      } else {
        bubble.append(doc.createTextNode(segment.text));
      }
    }
    if (entry.image) bubble.append(el(doc, "img", { src: entry.image, alt: "Image sent by the assistant" }));
    item.append(bubble);
    if (entry.pending) {
      item.append(el(doc, "p", { class: "pending", text: "Not sent yet. It will be sent when the connection is back." }));
    }
    return item;
  }

  renderQuickReplies(buttons) {
    const group = el(this.doc, "div", { class: "quick", role: "group", "aria-label": "Suggested replies" });
    for (const button of buttons) {
      const node = el(this.doc, "button", { type: "button", class: "quick-reply", text: button.title });
      node.addEventListener("click", () => {
        this.sendUser(button.title, button.payload);
        this.input.focus();
      });
      group.append(node);
    }
    return group;
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
