// Autosave on the sheet page (the operator's self-assessment on a phone or an old laptop,
// a member's sheet at a desk): each changed cell goes through the same IndexedDB outbox as
// the tablet (tablet-outbox.js) and the Sheets API, with its idempotency key and the sheet
// version, and the page says whether it is saved, waiting or kept on the device offline.
// Without script the page is a plain form post; with it, Simpan / Ajukan first sends what is
// waiting, then posts the form (files, and the submission) on the version the server holds.
import { api, flush, getOutbox, getSnapshot, mergeSnapshot, asSnapshot, enqueue, NOTES } from "./tablet-outbox.js";

const TEXT = {
  saved: "Tersimpan otomatis",
  saving: "Menyimpan…",
  waiting: (n) => `Menunggu jaringan — ${n} perubahan tersimpan di perangkat ini dan dikirim saat tersambung`,
  refused: (message) => `Tidak tersimpan: ${message}`,
  auth: "Sesi berakhir — masuk lagi; perubahan tetap tersimpan di perangkat ini",
  conflict: "Lembar ini diubah di tempat lain. Muat ulang halaman untuk melihat nilai terbaru; perubahan Anda yang berbeda ditunjukkan di sana.",
  offlineSubmit: "Belum tersambung: perubahan tersimpan di perangkat ini. Simpan atau ajukan lagi setelah tersambung.",
};
const DEBOUNCE_MS = 800;
const RETRY_MS = 15000;

function start(form) {
  const sheet = form.dataset.sheet;
  const url = form.dataset.api;
  const status = document.createElement("p");
  status.className = "save-state";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.prepend(status);
  const version = form.querySelector("input[name=version]");
  async function loadSnapshot() {
    try {
      const { status: code, data } = await api(url, "GET");
      if (code === 200) await mergeSnapshot(sheet, asSnapshot(data));
    } catch {
      // offline: the outbox keeps what is typed; the form shows what the page was given
    }
    return getSnapshot(sheet);
  }
  const ready = loadSnapshot();
  let sending = null;
  const timers = new Map(); // inputs whose typing pause has not yet turned into a change

  const show = (text, tone = "") => {
    status.textContent = text;
    status.dataset.tone = tone;
  };

  async function send() {
    await ready; // the server's snapshot first: the outbox sends against its version
    if (!(await getSnapshot(sheet)) && !(await loadSnapshot())) {
      const left = (await getOutbox(sheet)).length;
      show(TEXT.waiting(left), "warn");
      return { state: "offline" };
    }
    if (sending) return sending;
    sending = (async () => {
      show(TEXT.saving);
      let conflicted = false;
      const invalid = [];
      const result = await flush(
        sheet,
        url,
        (event, entry, data) => {
          if (event === "conflict") conflicted = true;
          if (event === "invalid") invalid.push(markInvalid(entry, data));
          if (event === "stored") markInvalid(entry, null);
        },
        "form",
      );
      const snapshot = await getSnapshot(sheet);
      if (snapshot && version) version.value = snapshot.version;
      if (snapshot) status.dataset.version = snapshot.version; // the version the server holds
      const left = (await getOutbox(sheet)).length;
      if (invalid.length) show(TEXT.refused(invalid.join(" ")), "err");
      else if (conflicted) show(TEXT.conflict, "warn");
      else if (result.state === "saved") show(TEXT.saved, "ok");
      else if (result.state === "auth") show(TEXT.auth, "warn");
      else if (result.state === "refused") show(TEXT.refused(result.message || ""), "err");
      else show(TEXT.waiting(left), "warn");
      return result;
    })();
    try {
      return await sending;
    } finally {
      sending = null;
    }
  }

  const cellOf = (input) => {
    const field = input.closest("[data-indicator]");
    if (!field) return null;
    return { indicator: field.dataset.indicator, part: field.dataset.part || "", kind: field.dataset.kind };
  };
  const valueOf = (input, kind) => {
    if (kind === "choice") {
      const checked = form.querySelector(`input[name="${input.name}"]:checked`);
      return checked ? checked.value : null;
    }
    const text = input.value.trim();
    return text === "" ? null : text;
  };

  // A value the server's rule refused (out of range, not a number …): nothing was stored;
  // the message stays at the field until a value there is stored.
  function markInvalid(entry, data) {
    const field = fieldOf(entry);
    if (!field) return "";
    let slot = field.querySelector(".autosave-error");
    if (!data) {
      slot?.remove();
      return "";
    }
    const errors = data.errors || [];
    const message =
      errors.find((e) => e.indicator === entry.indicator && (e.part || "") === entry.part)?.message ||
      errors[0]?.message ||
      data.message ||
      "";
    if (!slot) {
      slot = document.createElement("p");
      slot.className = "errorlist autosave-error";
      slot.setAttribute("role", "alert");
      field.append(slot);
    }
    slot.textContent = message;
    return message;
  }

  function fieldOf(entry) {
    if (entry.kind === "notes") return form.querySelector("textarea[name=notes]")?.closest(".field");
    return [...form.querySelectorAll("[data-indicator]")].find(
      (f) => f.dataset.indicator === entry.indicator && (f.dataset.part || "") === entry.part,
    );
  }

  function showPending(entry) {
    if (entry.kind === "notes") {
      const notes = form.querySelector("textarea[name=notes]");
      if (notes) notes.value = entry.value ?? "";
      return;
    }
    const field = fieldOf(entry);
    if (!field) return;
    if (entry.kind === "choice") {
      for (const radio of field.querySelectorAll("input[type=radio]")) radio.checked = radio.value === entry.value;
    } else {
      const input = field.querySelector("input:not([type=radio]), textarea");
      if (input) input.value = entry.value ?? "";
    }
  }

  async function changed(input) {
    await ready; // the change's base is the server's value, not nothing
    const cell = input.name === "notes" ? NOTES : cellOf(input);
    if (!cell) return;
    await enqueue(sheet, { ...cell, value: valueOf(input, cell.kind) });
    await send();
  }

  form.addEventListener("input", (event) => {
    const input = event.target;
    if (input.type === "file" || input.type === "checkbox" || input.type === "hidden") return;
    clearTimeout(timers.get(input));
    const pause = input.type === "radio" ? 0 : DEBOUNCE_MS;
    timers.set(
      input,
      setTimeout(() => {
        timers.delete(input);
        changed(input);
      }, pause),
    );
  });

  form.addEventListener("submit", async (event) => {
    if (form.dataset.flushed === "1") return; // the post after the flush below
    event.preventDefault();
    const submitter = event.submitter;
    try {
      for (const [input, timer] of [...timers]) {
        clearTimeout(timer);
        timers.delete(input);
        await changed(input);
      }
      const result = await send();
      if (result.state === "offline") {
        show(TEXT.offlineSubmit, "warn");
        return;
      }
    } catch {
      // Something in the autosave broke: the plain post below still carries every value.
    }
    if (submitter?.name) {
      const action = document.createElement("input");
      action.type = "hidden";
      action.name = submitter.name;
      action.value = submitter.value;
      form.append(action);
    }
    form.dataset.flushed = "1";
    form.submit();
  });

  (async () => {
    await ready;
    const pending = await getOutbox(sheet);
    for (const entry of pending) showPending(entry); // typed here before, not yet sent
    show(pending.length ? TEXT.waiting(pending.length) : TEXT.saved, pending.length ? "warn" : "ok");
    if (pending.length) await send();
  })();
  setInterval(() => send(), RETRY_MS);
  window.addEventListener("online", () => send());
  window.addEventListener("focus", () => send());
}

const form = document.querySelector("form[data-autosave]");
if (form) {
  // Ask the browser to keep the outbox (unsent changes) rather than evict it under pressure.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  start(form);
}
