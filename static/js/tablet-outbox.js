// The scoring screen's outbox (issue 12): every change is written to IndexedDB first and
// removed only when the server has confirmed it. Each change carries its own idempotency key
// and, once sent, a frozen body (the sheet version it was sent against), so a resend after a
// lost answer is the same request and the server answers it from its receipt, storing once.
//
// Keys in the store: `snapshot:<sheet>` (the sheet as the server last confirmed it),
// `outbox:<sheet>` (changes not yet confirmed, oldest first), `conflicts:<sheet>` (changes
// the server refused because another device changed the same cell: the member decides).
import { createStore, get, set, update } from "../vendor/idb-keyval.js";

const store = createStore("kinerja-tablet", "outbox");

export function newKey() {
  // crypto.randomUUID needs a secure context; getRandomValues works everywhere.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A value as the API writes it ("85.5", "100"), or null for an empty cell. */
export function normalise(value, kind = "number") {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  if (text === "") return null;
  if (kind !== "number") return text;
  const number = Number(text.replace(",", "."));
  return Number.isFinite(number) ? String(number) : text;
}

export const cellKey = (indicator, part) => `${indicator}:${part || ""}`;

// The member's notes on the sheet travel through the outbox like a cell: kind "notes", no
// indicator (no indicator code is empty), sent as the PATCH body's `notes`.
export const NOTES = { indicator: "", part: "", kind: "notes" };

export function snapshotValue(snapshot, indicator, part, kind) {
  if (kind === "notes") return snapshot?.notes || null;
  const cell = (snapshot?.values || []).find((c) => c.indicator === indicator && (c.part || "") === (part || ""));
  if (!cell) return null;
  if (kind === "choice") return cell.option ?? null;
  if (kind === "text") return cell.text || null;
  return cell.value ?? null;
}

export const getSnapshot = (sheet) => get(`snapshot:${sheet}`, store);
export const setSnapshot = (sheet, snapshot) => set(`snapshot:${sheet}`, snapshot, store);
export const getOutbox = async (sheet) => (await get(`outbox:${sheet}`, store)) || [];
export const getConflicts = async (sheet) => (await get(`conflicts:${sheet}`, store)) || [];

/** Keep the newer of the stored snapshot and `fresh` (by version). Returns the kept one. */
export async function mergeSnapshot(sheet, fresh) {
  let kept = fresh;
  await update(
    `snapshot:${sheet}`,
    (old) => {
      kept = old && old.version > fresh.version ? old : fresh;
      return kept;
    },
    store,
  );
  return kept;
}

/**
 * Record a change of one cell. An unsent change of the same cell is replaced (its base
 * stays); a change already sent is never altered, so the new one is queued behind it.
 * `base` is the value the member saw before this change: the later check that nobody else
 * changed the cell meanwhile compares against it.
 */
export async function enqueue(sheet, { indicator, part, kind, value }) {
  const snapshot = await getSnapshot(sheet);
  await update(
    `outbox:${sheet}`,
    (list) => {
      list = list || [];
      const same = list.filter((e) => e.indicator === indicator && (e.part || "") === (part || ""));
      const last = same[same.length - 1];
      if (last && last.sent_version === null) {
        last.value = value;
        last.at = new Date().toISOString();
        if (normalise(last.value, kind) === normalise(last.base, kind)) {
          return list.filter((e) => e.id !== last.id); // typed back to what was there
        }
        return list;
      }
      const base = last ? last.value : snapshotValue(snapshot, indicator, part, kind);
      if (normalise(value, kind) === normalise(base, kind)) return list;
      list.push({
        id: newKey(),
        indicator,
        part: part || "",
        kind,
        value,
        base,
        at: new Date().toISOString(),
        sent_version: null,
      });
      return list;
    },
    store,
  );
  await update(
    `conflicts:${sheet}`,
    (list) => (list || []).filter((c) => !(c.indicator === indicator && c.part === (part || ""))),
    store,
  );
}

async function replaceEntry(sheet, id, replacement) {
  await update(
    `outbox:${sheet}`,
    (list) => {
      list = list || [];
      const at = list.findIndex((e) => e.id === id);
      if (at < 0) return list;
      if (replacement) list[at] = replacement;
      else list.splice(at, 1);
      return list;
    },
    store,
  );
}

async function toConflict(sheet, entry, theirs) {
  await replaceEntry(sheet, entry.id, null);
  await update(
    `conflicts:${sheet}`,
    (list) => {
      list = (list || []).filter((c) => !(c.indicator === entry.indicator && c.part === entry.part));
      list.push({ ...entry, mine: entry.value, theirs, at: new Date().toISOString() });
      return list;
    },
    store,
  );
}

export async function dropConflict(sheet, indicator, part) {
  await update(
    `conflicts:${sheet}`,
    (list) => (list || []).filter((c) => !(c.indicator === indicator && c.part === (part || ""))),
    store,
  );
}

function body(entry) {
  const cell = { indicator: entry.indicator, part: entry.part };
  if (entry.kind === "notes") return { version: entry.sent_version, values: [], notes: entry.value ?? "" };
  if (entry.kind === "choice") cell.option = entry.value;
  else if (entry.kind === "text") cell.text = entry.value ?? "";
  else cell.value = entry.value;
  return { version: entry.sent_version, values: [cell] };
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// `client` names the screen in the history (`ValueChange.via`): "tablet", or "form" for
// the sheet page's autosave.
export async function api(url, method, payload, key, client = "tablet") {
  const headers = { "X-Kinerja-Client": client, Accept: "application/json" };
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (key) headers["Idempotency-Key"] = key;
  const response = await fetch(url, {
    method,
    headers,
    credentials: "same-origin",
    cache: "no-store",
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, data };
}

/** The part of an API answer the device keeps: version, state, values and notes. */
export function asSnapshot(data, state) {
  return { version: data.version, state: data.state || state, values: data.values, notes: data.notes ?? "" };
}

/**
 * Send the outbox of `sheet`, oldest first, one change per request, until it is empty or
 * the network or the server refuses. Returns {state, message?, errors?}: "saved",
 * "offline" (no network or a server error: try again later), "refused" (the sheet may not
 * be written now: the changes stay, for download), "auth" (the session ended).
 */
export async function flush(sheet, url, onEvent = () => {}, client = "tablet") {
  const run = () => flushLocked(sheet, url, onEvent, client);
  // One sender per sheet across this device's tabs; the keys make a double send harmless.
  if (navigator.locks) return navigator.locks.request(`kinerja-outbox-${sheet}`, run);
  return run();
}

async function flushLocked(sheet, url, onEvent, client) {
  for (let guard = 0; guard < 500; guard += 1) {
    const list = await getOutbox(sheet);
    if (list.length === 0) return { state: "saved" };
    let entry = list[0];
    const snapshot = await getSnapshot(sheet);
    if (entry.sent_version === null) {
      const current = snapshotValue(snapshot, entry.indicator, entry.part, entry.kind);
      const [now, base, mine] = [current, entry.base, entry.value].map((v) => normalise(v, entry.kind));
      if (now === mine) {
        await replaceEntry(sheet, entry.id, null); // already what the server holds
        continue;
      }
      if (now !== base) {
        await toConflict(sheet, entry, current); // changed elsewhere since the member saw it
        onEvent("conflict", entry);
        continue;
      }
      entry = { ...entry, sent_version: snapshot.version };
      await replaceEntry(sheet, entry.id, entry); // frozen before it leaves: a resend is identical
    }
    let answer;
    try {
      answer = await api(url, "PATCH", body(entry), entry.id, client);
    } catch {
      return { state: "offline" };
    }
    const { status, data } = answer;
    if (status === 200) {
      await mergeSnapshot(sheet, asSnapshot(data));
      await replaceEntry(sheet, entry.id, null);
      onEvent("stored", entry);
      continue;
    }
    if (status === 409 && data?.code === "version_conflict") {
      const fresh = await mergeSnapshot(sheet, asSnapshot(data, snapshot?.state || "draft"));
      const theirs = snapshotValue(fresh, entry.indicator, entry.part, entry.kind);
      const [now, base, mine] = [theirs, entry.base, entry.value].map((v) => normalise(v, entry.kind));
      if (now === mine) await replaceEntry(sheet, entry.id, null);
      else if (now === base) {
        // Another cell changed elsewhere, not this one: send again on the new version.
        await replaceEntry(sheet, entry.id, { ...entry, id: newKey(), sent_version: null });
      } else {
        await toConflict(sheet, entry, theirs);
        onEvent("conflict", entry);
      }
      continue;
    }
    if (status === 422 && data?.code === "idempotency_key_reused") {
      await replaceEntry(sheet, entry.id, { ...entry, id: newKey(), sent_version: null });
      continue;
    }
    if (status === 422 && data?.code === "invalid") {
      // The server's rule refused the value: nothing was stored; the member corrects it.
      await replaceEntry(sheet, entry.id, null);
      onEvent("invalid", entry, data);
      continue;
    }
    if (status === 401) return { state: "auth", message: data?.message };
    if (status === 403 || status === 404) {
      return { state: "refused", message: data?.message || "", code: data?.code };
    }
    return { state: "offline", message: data?.message };
  }
  return { state: "offline" };
}

/** Everything not yet confirmed, as a file Tapem can read or import. */
export async function exportUnsent(sheet, label, url) {
  return {
    kind: "kinerja-tablet-outbox",
    exported_at: new Date().toISOString(),
    sheet,
    label,
    api: url,
    snapshot_version: (await getSnapshot(sheet))?.version ?? null,
    changes: await getOutbox(sheet),
    conflicts: await getConflicts(sheet),
  };
}
