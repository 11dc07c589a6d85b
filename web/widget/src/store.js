// The conversation kept on this device: session id, transcript and whether the panel was open.
// localStorage may be unavailable (privacy modes); the widget then keeps everything in memory only.

const MAX_ENTRIES = 200;

function emptyState() {
  return { v: 1, sessionId: null, open: false, started: false, seq: 0, entries: [] };
}

export class Store {
  /** @param {string} key  @param {Storage | null} storage */
  constructor(key, storage) {
    this.key = key;
    this.storage = storage;
    this.state = this.read();
  }

  read() {
    try {
      const raw = this.storage && this.storage.getItem(this.key);
      const parsed = raw ? JSON.parse(raw) : null;
      if (parsed && parsed.v === 1 && Array.isArray(parsed.entries)) return { ...emptyState(), ...parsed };
    } catch {
      // unreadable or disabled storage: start fresh
    }
    return emptyState();
  }

  save() {
    try {
      if (this.storage) this.storage.setItem(this.key, JSON.stringify(this.state));
    } catch {
      // quota or disabled storage: the conversation still works for this page view
    }
  }

  get entries() {
    return this.state.entries;
  }

  /** Append an entry (a copy with a fresh id) and return it. */
  add(entry) {
    this.state.seq += 1;
    const stored = { ...entry, id: this.state.seq };
    this.state.entries.push(stored);
    if (this.state.entries.length > MAX_ENTRIES) this.state.entries.splice(0, this.state.entries.length - MAX_ENTRIES);
    this.save();
    return stored;
  }

  update(id, changes) {
    const entry = this.state.entries.find((e) => e.id === id);
    if (entry) {
      Object.assign(entry, changes);
      this.save();
    }
    return entry;
  }

  set(changes) {
    Object.assign(this.state, changes);
    this.save();
  }

  /** Forget the conversation on this device. */
  clear() {
    this.state = emptyState();
    try {
      if (this.storage) this.storage.removeItem(this.key);
    } catch {
      // nothing stored
    }
  }
}
