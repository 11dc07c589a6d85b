// Entry point: <script src=".../widget/widget.js" data-server-url="http://localhost:5005" defer></script>
// Options come from `window.IOPChatConfig` and the script tag's data-* attributes (see config.js).
// `window.IOPChat.init(options)` mounts the widget by hand (set data-manual on the tag to skip auto-mount).

import "./widget.css";
import { fromAttributes, resolveConfig } from "./config.js";
import { ChatWidget } from "./widget.js";

const script = document.currentScript;

function defaultCssUrl() {
  const src = script && script.src;
  return src ? src.replace(/\.js(\?.*)?$/, ".css$1") : "widget.css";
}

function localStorageOrNull() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

let mounted = null;

/** Mount the widget once; later calls return the same instance. */
function init(options) {
  if (mounted) return mounted;
  const config = resolveConfig({ cssUrl: defaultCssUrl() }, window.IOPChatConfig, fromAttributes(script), options);
  mounted = new ChatWidget(config, document, localStorageOrNull());
  mounted.mount();
  return mounted;
}

window.IOPChat = { init };

if (!(script && script.hasAttribute("data-manual"))) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init());
  else init();
}
