// The tablet scoring screen (issue 12): inputs with steppers, autosave through the
// outbox (tablet-outbox.js), the saved / waiting / offline state, conflicts shown with
// both values, Finalise, the presentation timer and the service worker.
import {
  api,
  asSnapshot,
  dropConflict,
  enqueue,
  exportUnsent,
  flush,
  getConflicts,
  getOutbox,
  getSnapshot,
  mergeSnapshot,
  normalise,
  snapshotValue,
} from "./tablet-outbox.js";

const root = document.getElementById("tablet");
const sheet = root.dataset.sheet;
const apiUrl = root.dataset.api;
const submitUrl = root.dataset.submit;
let writable = root.dataset.writable === "1";
const cells = [...document.querySelectorAll(".cell")];
const stateLabel = document.getElementById("save-state");
const RETRY_MS = 15000;

const TEXT = {
  saved: "Tersimpan",
  waiting: (n) => `Menunggu — ${n} perubahan sedang dikirim`,
  offline: (n) => `Luring — ${n} perubahan tersimpan di perangkat ini`,
  refused: "Ditolak",
  auth: "Sesi berakhir — masuk lagi; perubahan tetap tersimpan di perangkat ini",
  unsent: (n) =>
    `${n} perubahan belum terkirim ke server. Perubahan ini hanya ada di perangkat ini; browser dapat menghapusnya (Safari: setelah 7 hari tidak dipakai). Bila belum dapat terkirim, unduh sebagai berkas dan serahkan kepada Admin Tapem.`,
  notNumber: "Isi dengan angka.",
  notWhole: "Isi dengan bilangan bulat.",
  below: (min) => `Nilai paling kecil ${min}.`,
  above: (max) => `Nilai paling besar ${max}.`,
  mine: (v) => `Pakai nilai saya (${v ?? "kosong"})`,
  theirs: (v) => `Pakai nilai tersimpan (${v ?? "kosong"})`,
  conflictLine: (label, mine, theirs) => `${label}: nilai Anda ${mine ?? "kosong"}, tersimpan ${theirs ?? "kosong"}`,
  finalOffline: "Sambungkan ke jaringan lalu finalkan: perubahan harus terkirim lebih dulu.",
  finalPending: "Masih ada perubahan yang belum terkirim atau nilai berbeda yang belum dipilih.",
  finalConfirm: "Finalkan lembar ini? Setelah final, nilai tidak dapat diubah lagi.",
  finalDone: "Lembar ini sudah final dan terkunci.",
  state: { draft: "Draf", final: "Final" },
};

const kindOf = (cell) => cell.dataset.kind;
const partOf = (cell) => cell.dataset.part || "";
const labelOf = (cell) => cell.querySelector(".cell-label").textContent.trim();

function readInput(cell) {
  if (kindOf(cell) === "choice") {
    const checked = cell.querySelector("input:checked");
    return checked ? checked.value : null;
  }
  const text = cell.querySelector(".cell-input").value.trim();
  return text === "" ? null : text;
}

function showValue(cell, value, force = false) {
  if (kindOf(cell) === "choice") {
    for (const radio of cell.querySelectorAll("input[type=radio]")) radio.checked = radio.value === value;
    return;
  }
  const input = cell.querySelector(".cell-input");
  if (document.activeElement === input && !force) return; // never pull a value from under a finger
  input.value = kindOf(cell) === "number" && value !== null ? String(value).replace(".", ",") : (value ?? "");
  handled.set(cell, readInput(cell));
}

// The input text each cell last turned into a change (or was shown). A browser fires
// `change` again on blur for text already sent by the typing pause; it must not send it
// twice, above all not after the member chose the stored value in a conflict.
const handled = new WeakMap();

function cellError(cell, message) {
  const slot = cell.querySelector(".cell-error");
  slot.textContent = message || "";
  slot.hidden = !message;
  cell.classList.toggle("has-error", Boolean(message));
}

/** The typed value as the API takes it, or throws the Indonesian reason it is refused. */
function validated(cell, raw) {
  if (raw === null || kindOf(cell) !== "number") return raw;
  const text = raw.replace(/\s/g, "").replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(TEXT.notNumber);
  const number = Number(text);
  if (cell.dataset.integer === "1" && !Number.isInteger(number)) throw new Error(TEXT.notWhole);
  if (cell.dataset.min !== "" && number < Number(cell.dataset.min)) throw new Error(TEXT.below(cell.dataset.min.replace(".", ",")));
  if (cell.dataset.max !== "" && number > Number(cell.dataset.max)) throw new Error(TEXT.above(cell.dataset.max.replace(".", ",")));
  return normalise(text);
}

// ---------------------------------------------------------------- showing the state

async function render() {
  const [snapshot, outbox, conflicts] = await Promise.all([getSnapshot(sheet), getOutbox(sheet), getConflicts(sheet)]);
  for (const cell of cells) {
    const mine = outbox.filter((e) => e.indicator === cell.dataset.indicator && e.part === partOf(cell));
    const pending = mine[mine.length - 1];
    const conflict = conflicts.find((c) => c.indicator === cell.dataset.indicator && c.part === partOf(cell));
    const value = pending ? pending.value : snapshotValue(snapshot, cell.dataset.indicator, partOf(cell), kindOf(cell));
    if (!cell.classList.contains("has-error")) showValue(cell, value);
    cell.classList.toggle("pending", Boolean(pending));
    cell.classList.toggle("conflict", Boolean(conflict));
  }
  renderConflicts(conflicts);
  const unsent = document.getElementById("unsent");
  unsent.hidden = outbox.length === 0 && conflicts.length === 0;
  document.getElementById("unsent-text").textContent = TEXT.unsent(outbox.length + conflicts.length);
  const final = snapshot?.state === "final";
  if (final) lock(TEXT.finalDone);
  const badge = document.getElementById("sheet-state");
  if (snapshot?.state && TEXT.state[snapshot.state]) {
    badge.textContent = TEXT.state[snapshot.state];
    badge.classList.toggle("ok", final);
  }
  return { outbox, conflicts, snapshot };
}

function setState(state, count = 0, message = "") {
  stateLabel.dataset.state = state;
  const text = TEXT[state];
  stateLabel.textContent = typeof text === "function" ? text(count) : text + (message ? ` — ${message}` : "");
}

function lock(message) {
  writable = false;
  root.classList.add("locked");
  for (const control of root.querySelectorAll(".cell-input, .step, #finalise")) control.disabled = true;
  const box = document.getElementById("locked");
  box.querySelector("p").textContent = message;
  box.hidden = !message || Boolean(document.getElementById("refusal")?.textContent.trim() === message);
}

function renderConflicts(conflicts) {
  const section = document.getElementById("conflicts");
  const list = document.getElementById("conflict-list");
  section.hidden = conflicts.length === 0;
  list.replaceChildren(
    ...conflicts.map((c) => {
      const cell = cells.find((x) => x.dataset.indicator === c.indicator && partOf(x) === c.part);
      const item = document.createElement("li");
      item.className = "conflict-item";
      item.dataset.cell = `${c.indicator}:${c.part}`;
      const line = document.createElement("p");
      line.textContent = TEXT.conflictLine(cell ? labelOf(cell) : c.indicator, c.mine, c.theirs);
      const keepMine = document.createElement("button");
      keepMine.type = "button";
      keepMine.className = "button primary keep-mine";
      keepMine.textContent = TEXT.mine(c.mine);
      keepMine.addEventListener("click", async () => {
        await enqueue(sheet, { indicator: c.indicator, part: c.part, kind: c.kind, value: c.mine });
        await render();
        send();
      });
      const keepTheirs = document.createElement("button");
      keepTheirs.type = "button";
      keepTheirs.className = "button keep-theirs";
      keepTheirs.textContent = TEXT.theirs(c.theirs);
      keepTheirs.addEventListener("click", async () => {
        await dropConflict(sheet, c.indicator, c.part);
        if (cell) showValue(cell, c.theirs, true);
        await render();
      });
      item.append(line, keepMine, " ", keepTheirs);
      return item;
    }),
  );
}

// ---------------------------------------------------------------- sending

let sending = null;
let again = false;
let timer = null;

async function send() {
  if (sending) {
    again = true;
    return sending;
  }
  sending = (async () => {
    do {
      again = false;
      const result = await flush(sheet, apiUrl, (event, entry, data) => {
        if (event === "invalid") {
          const cell = cells.find((x) => x.dataset.indicator === entry.indicator && partOf(x) === entry.part);
          if (cell) cellError(cell, data?.errors?.[0]?.message || data?.message);
        }
      });
      const { outbox, conflicts } = await render();
      const count = outbox.length;
      if (result.state === "saved") setState(conflicts.length ? "waiting" : "saved", conflicts.length);
      else if (result.state === "refused") {
        setState("refused", 0, result.message);
        lock(result.message);
      } else if (result.state === "auth") setState("auth");
      else setState(navigator.onLine ? "waiting" : "offline", count);
    } while (again);
  })();
  try {
    await sending;
  } finally {
    sending = null;
  }
}

function soon(delay = 250) {
  clearTimeout(timer);
  timer = setTimeout(send, delay);
}

async function change(cell, raw) {
  if (!writable) return;
  if (kindOf(cell) !== "choice" && handled.get(cell) === raw) return;
  handled.set(cell, raw);
  let value;
  try {
    value = validated(cell, raw);
  } catch (error) {
    cellError(cell, error.message);
    return;
  }
  cellError(cell, "");
  await enqueue(sheet, { indicator: cell.dataset.indicator, part: partOf(cell), kind: kindOf(cell), value });
  const outbox = await getOutbox(sheet);
  cell.classList.toggle("pending", outbox.some((e) => e.indicator === cell.dataset.indicator && e.part === partOf(cell)));
  setState(navigator.onLine ? "waiting" : "offline", outbox.length);
  document.getElementById("unsent").hidden = outbox.length === 0;
  document.getElementById("unsent-text").textContent = TEXT.unsent(outbox.length);
  if (navigator.onLine) soon();
}

function bindCell(cell) {
  const kind = kindOf(cell);
  if (kind === "choice") {
    for (const radio of cell.querySelectorAll("input[type=radio]")) {
      radio.addEventListener("change", () => change(cell, readInput(cell)));
    }
    return;
  }
  const input = cell.querySelector(".cell-input");
  let typing = null;
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => change(cell, readInput(cell)), 700);
  });
  input.addEventListener("change", () => {
    clearTimeout(typing);
    change(cell, readInput(cell));
  });
  if (kind !== "number") return;
  const min = cell.dataset.min === "" ? null : Number(cell.dataset.min);
  const max = cell.dataset.max === "" ? null : Number(cell.dataset.max);
  if (min !== null && max !== null && max - min < 20) {
    for (const big of cell.querySelectorAll(".step.big")) big.hidden = true;
  }
  for (const button of cell.querySelectorAll(".step")) {
    button.addEventListener("click", () => {
      const raw = readInput(cell);
      const current = raw === null ? null : Number(raw.replace(",", "."));
      const from = current !== null && Number.isFinite(current) ? current : (min ?? 0);
      let next = from + Number(button.dataset.delta);
      if (min !== null) next = Math.max(min, next);
      if (max !== null) next = Math.min(max, next);
      next = Math.round(next * 10000) / 10000;
      input.value = String(next).replace(".", ",");
      change(cell, input.value);
    });
  }
}

// ---------------------------------------------------------------- Finalise

async function finalise() {
  const error = document.getElementById("finalise-error");
  const say = (message) => {
    error.textContent = message;
    error.hidden = !message;
  };
  if (!navigator.onLine) return say(TEXT.finalOffline);
  await send();
  const [outbox, conflicts, snapshot] = await Promise.all([getOutbox(sheet), getConflicts(sheet), getSnapshot(sheet)]);
  if (outbox.length || conflicts.length) return say(TEXT.finalPending);
  if (!window.confirm(TEXT.finalConfirm)) return;
  let answer;
  try {
    answer = await api(submitUrl, "POST", { version: snapshot.version });
  } catch {
    return say(TEXT.finalOffline);
  }
  const { status, data } = answer;
  if (status === 200) {
    await mergeSnapshot(sheet, asSnapshot(data));
    say("");
    await render();
    setState("saved");
    return;
  }
  if (status === 409 && data?.values) {
    await mergeSnapshot(sheet, asSnapshot(data, snapshot.state));
    await render();
  }
  const details = (data?.errors || []).map((e) => e.message).join(" ");
  say([data?.message, details].filter(Boolean).join(" "));
}

// ---------------------------------------------------------------- presentation timer

function startTimer() {
  const box = document.getElementById("timer");
  if (!box) return;
  const phases = [...box.querySelectorAll(".phase")];
  const key = `kinerja-timer:${sheet}`;
  const saved = JSON.parse(localStorage.getItem(key) || "null");
  const state = saved || { index: 0, spent: phases.map(() => 0), since: null };
  const toggle = document.getElementById("timer-toggle");
  const save = () => localStorage.setItem(key, JSON.stringify(state));
  const spent = (i) => state.spent[i] + (i === state.index && state.since ? Date.now() - state.since : 0);
  const clock = (ms) => {
    const total = Math.floor(ms / 1000);
    return `${String(Math.floor(total / 60)).padStart(2, "0")}.${String(total % 60).padStart(2, "0")}`;
  };
  const draw = () => {
    phases.forEach((phase, i) => {
      const ms = spent(i);
      phase.querySelector(".phase-clock").textContent = clock(ms);
      const limit = Number(phase.dataset.minutes || 0) * 60000;
      phase.classList.toggle("current", i === state.index);
      phase.classList.toggle("near", limit > 0 && ms >= limit - 60000 && ms <= limit);
      phase.classList.toggle("over", limit > 0 && ms > limit);
    });
    toggle.textContent = state.since ? "Jeda" : "Mulai";
  };
  const pause = () => {
    if (state.since) state.spent[state.index] += Date.now() - state.since;
    state.since = null;
  };
  toggle.addEventListener("click", () => {
    if (state.since) pause();
    else state.since = Date.now();
    save();
    draw();
  });
  document.getElementById("timer-next").addEventListener("click", () => {
    const running = Boolean(state.since);
    pause();
    state.index = Math.min(state.index + 1, phases.length - 1);
    if (running) state.since = Date.now();
    save();
    draw();
  });
  document.getElementById("timer-reset").addEventListener("click", () => {
    Object.assign(state, { index: 0, spent: phases.map(() => 0), since: null });
    save();
    draw();
  });
  draw();
  setInterval(draw, 500);
}

// ---------------------------------------------------------------- start

async function download() {
  const data = await exportUnsent(sheet, root.dataset.label, apiUrl);
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = `kinerja-lembar-${sheet}-belum-terkirim.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

async function refresh() {
  try {
    const { status, data } = await api(apiUrl, "GET");
    if (status === 200) await mergeSnapshot(sheet, asSnapshot(data));
  } catch {
    // offline: the stored snapshot stands
  }
}

async function start() {
  // The page as drawn is one snapshot; a newer one kept on the device wins (a page read
  // from the worker's cache is older than what the outbox already confirmed).
  const notes = cells.find((cell) => kindOf(cell) === "notes");
  await mergeSnapshot(sheet, {
    version: Number(root.dataset.version),
    state: root.dataset.state,
    notes: notes ? notes.dataset.server : "",
    values: cells.filter((cell) => kindOf(cell) !== "notes").map((cell) => {
      const server = cell.dataset.server === "" ? null : cell.dataset.server;
      const kind = kindOf(cell);
      return {
        indicator: cell.dataset.indicator,
        part: partOf(cell),
        value: kind === "number" ? server : null,
        option: kind === "choice" ? server : null,
        text: kind === "text" ? server || "" : "",
      };
    }),
  });
  cells.forEach(bindCell);
  if (!writable) lock(document.getElementById("refusal")?.textContent.trim() || "");
  document.getElementById("finalise").addEventListener("click", finalise);
  document.getElementById("download-unsent").addEventListener("click", download);
  startTimer();
  await render();
  if (navigator.onLine) await refresh();
  await render();
  if (writable) await send();
  else setState("saved");
  // Back online or back in view: read the sheet again (another device may have finalised
  // it, or changed a cell), then send what waits.
  const resume = async () => {
    if (navigator.onLine) await refresh();
    await render();
    if (writable) await send();
  };
  window.addEventListener("online", resume);
  window.addEventListener("offline", async () => setState("offline", (await getOutbox(sheet)).length));
  window.addEventListener("focus", resume);
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && resume());
  setInterval(async () => {
    if ((await getOutbox(sheet)).length) send();
  }, RETRY_MS);
  root.dataset.ready = "1";
}

if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
if ("serviceWorker" in navigator) {
  navigator.serviceWorker
    .register(root.dataset.sw, { scope: root.dataset.scope })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active?.postMessage({ cache: [location.pathname, root.dataset.scope] }))
    .catch(() => {});
}
start();
