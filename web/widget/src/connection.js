// Rasa's socket.io channel (rasa/core/channels/socketio.py, Rasa 3.6):
//   client -> session_request {session_id}   server -> session_confirm <session_id>
//   client -> user_uttered {message, session_id}   server -> bot_uttered {text, quick_replies, attachment, ...}
// Messages are only emitted after session_confirm, so a reconnected socket has joined the session's room
// before Rasa answers (socket.io's own buffer would send them before our session_request).

import { io } from "socket.io-client";

export class Connection {
  /**
   * @param {{serverUrl: string, socketPath: string}} config
   * @param {{onState: (state: string) => void, onSession: (id: string) => void, onBotMessage: (data: object) => void}} handlers
   */
  constructor(config, handlers) {
    this.config = config;
    this.handlers = handlers;
    this.socket = null;
    this.sessionId = null;
    this.confirmed = false;
    this.everConnected = false;
    this.restarting = false;
  }

  /** Connect (once) and ask for `sessionId` (null: the server picks one). */
  start(sessionId) {
    if (this.socket) return;
    this.sessionId = sessionId || null;
    const options = {
      path: this.config.socketPath,
      // Rasa's socket.io server sends no CORS headers, so long-polling from another origin fails;
      // WebSocket works across origins.
      transports: ["websocket"],
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      timeout: 10000,
    };
    const socket = this.config.serverUrl ? io(this.config.serverUrl, options) : io(options);
    this.socket = socket;
    this.handlers.onState("connecting");
    socket.on("connect", () => {
      this.confirmed = false;
      socket.emit("session_request", { session_id: this.sessionId });
    });
    socket.on("session_confirm", (data) => {
      const id = typeof data === "string" ? data : data && data.session_id;
      if (!id) return;
      this.sessionId = String(id);
      this.confirmed = true;
      const state = this.everConnected ? "reconnected" : "online";
      this.everConnected = true;
      if (!this.restarting) this.handlers.onState(state);
      this.restarting = false;
      this.handlers.onSession(this.sessionId);
    });
    socket.on("bot_uttered", (data) => this.handlers.onBotMessage(data));
    socket.on("disconnect", () => {
      this.confirmed = false;
      if (!this.restarting) this.handlers.onState("reconnecting");
    });
    socket.on("connect_error", () => {
      this.confirmed = false;
      this.restarting = false;
      this.handlers.onState(this.everConnected ? "reconnecting" : "unreachable");
    });
  }

  /** Send one user message; false if the session is not confirmed (the caller keeps it queued). */
  send(message) {
    if (!this.socket || !this.confirmed) return false;
    this.socket.emit("user_uttered", { message, session_id: this.sessionId });
    return true;
  }

  /** Start over with a new session (after the user deleted the conversation). */
  restart() {
    this.sessionId = null;
    this.confirmed = false;
    if (this.socket && this.socket.connected) {
      // A new socket leaves the old session's room, so nothing more of it reaches this page;
      // the short disconnect is not reported as a connection problem.
      this.restarting = true;
      this.socket.disconnect().connect();
    }
  }
}
