// Staff console: queue polling, item actions, live transcript, staff reply, hand back, print.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
    return data;
  }

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (response.status === 401) { window.location.href = "/console/login?next=" + encodeURIComponent(location.pathname); }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
    return data;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function ago(iso) {
    const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
    if (minutes < 60) return minutes + " min ago";
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? hours + " h ago" : Math.floor(hours / 24) + " days ago";
  }

  async function act(key, action, extra) {
    return post("/api/console/queue/" + encodeURIComponent(key) + "/" + action, extra);
  }

  // -- queue page ---------------------------------------------------------------------------------
  const queueTable = document.getElementById("queue");
  if (queueTable) {
    const tbody = queueTable.querySelector("tbody");
    const status = document.getElementById("queue-status");
    const pollMs = Number(queueTable.dataset.pollMs) || 4000;

    function row(item) {
      const tr = el("tr", { "data-key": item.key, class: "kind-" + item.kind + (item.urgent ? " urgent" : "") });
      const link = el("a", { href: "/console/conversations/" + encodeURIComponent(item.conversation_id) },
        item.urgent && item.kind !== "crisis" ? item.kind + " (urgent)" : item.kind);
      const first = el("td"); first.append(link); tr.append(first);
      const when = el("td"); when.append(el("time", { datetime: item.created_at, title: item.created_at }, ago(item.created_at))); tr.append(when);
      const latest = el("td");
      if (item.latest_at) latest.append(el("time", { datetime: item.latest_at, title: item.latest_at }, ago(item.latest_at)));
      tr.append(latest);
      for (const value of [item.channel, item.category, item.level, item.risk]) tr.append(el("td", {}, value || ""));
      tr.append(el("td", { class: "details" }, (item.summary || []).join(" · ")));
      tr.append(el("td", { class: "status" }, item.status + (item.claimed_by ? " (" + item.claimed_by + ")" : "") + (item.notes ? " · " + item.notes + " note(s)" : "")));
      const actions = el("td", { class: "actions" });
      for (const [action, label] of [["claim", "Claim"], ["resolve", "Resolve"]]) {
        const button = el("button", { type: "button", "data-action": action }, label);
        button.addEventListener("click", async () => {
          try { await act(item.key, action); await refresh(); }
          catch (error) { status.textContent = label + " failed: " + error.message; }
        });
        actions.append(button);
      }
      const note = el("button", { type: "button", "data-action": "notes" }, "Note");
      note.addEventListener("click", async () => {
        const text = window.prompt("Note for " + item.kind + " in conversation " + item.conversation_id);
        if (!text) return;
        try { await act(item.key, "notes", { text }); await refresh(); }
        catch (error) { status.textContent = "Note failed: " + error.message; }
      });
      actions.append(note);
      tr.append(actions);
      return tr;
    }

    async function refresh() {
      try {
        const data = await getJson("/api/console/queue");
        const rows = data.items.map(row);
        if (!rows.length) {
          const empty = el("tr", { class: "empty" }); empty.append(el("td", { colspan: "10" }, "Nothing waiting.")); rows.push(empty);
        }
        tbody.replaceChildren(...rows);
        status.textContent = "Updated " + new Date().toLocaleTimeString() + ".";
      } catch (error) {
        status.textContent = "Could not update: " + error.message;
      }
    }
    refresh();
    setInterval(refresh, pollMs);
  }

  // -- conversation page --------------------------------------------------------------------------
  const conversation = document.getElementById("conversation");
  if (conversation) {
    const id = conversation.dataset.conversation;
    const base = "/api/console/conversations/" + encodeURIComponent(id);
    const list = document.getElementById("transcript");
    const status = document.getElementById("transcript-status");
    const paused = document.getElementById("paused");
    const pollMs = Number(conversation.dataset.pollMs) || 3000;
    let shown = -1;
    const UNAVAILABLE = "Transcript unavailable: ";

    async function refreshTranscript() {
      try {
        const data = await getJson(base + "/transcript");
        paused.hidden = !data.paused;
        if (data.lines.length !== shown) {
          shown = data.lines.length;
          list.replaceChildren(...data.lines.map((line) => {
            const li = el("li", { class: line.speaker });
            const who = { person: "Person", assistant: "Assistant", staff: "Staff", event: "" }[line.speaker];
            li.append(el("span", { class: "meta" }, (who ? who + " · " : "") + new Date(line.at).toLocaleTimeString() + (line.speaker === "person" && line.detail ? " · " + line.detail : "")));
            li.append(document.createTextNode(line.text));
            return li;
          }));
          list.scrollTop = list.scrollHeight;
        }
        // clear only our own error: "Sent." and "Handed back…" stay until the next action
        if (status.textContent.startsWith(UNAVAILABLE)) status.textContent = "";
      } catch (error) {
        status.textContent = UNAVAILABLE + error.message;
      }
    }
    refreshTranscript();
    setInterval(refreshTranscript, pollMs);

    document.getElementById("reply").addEventListener("submit", async (event) => {
      event.preventDefault();
      const box = document.getElementById("reply-text");
      const text = box.value.trim();
      if (!text) return;
      try { await post(base + "/messages", { text }); box.value = ""; status.textContent = "Sent."; await refreshTranscript(); }
      catch (error) { status.textContent = "Not sent: " + error.message; }
    });
    document.getElementById("hand-back").addEventListener("click", async () => {
      try { await post(base + "/hand-back"); status.textContent = "Handed back to the assistant."; await refreshTranscript(); }
      catch (error) { status.textContent = "Hand back failed: " + error.message; }
    });
    for (const item of document.querySelectorAll(".item[data-key]")) {
      for (const button of item.querySelectorAll("button[data-action]")) {
        button.addEventListener("click", async () => {
          const action = button.dataset.action;
          const extra = action === "notes" ? { text: item.querySelector(".note-text").value } : undefined;
          try { await act(item.dataset.key, action, extra); window.location.reload(); }
          catch (error) { status.textContent = action + " failed: " + error.message; }
        });
      }
    }
  }

  // -- screening summary ----------------------------------------------------------------------------
  document.getElementById("print")?.addEventListener("click", () => window.print());
})();
