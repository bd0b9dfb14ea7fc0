// A penilai's sheet list (issue 12): registers the tablet pages' service worker and says
// which sheets still hold changes on this device that the server has not confirmed.
import { getConflicts, getOutbox } from "./tablet-outbox.js";

const root = document.getElementById("tablet-list");

async function showUnsent() {
  let total = 0;
  for (const row of document.querySelectorAll("tr[data-sheet]")) {
    const sheet = row.dataset.sheet;
    const count = (await getOutbox(sheet)).length + (await getConflicts(sheet)).length;
    row.classList.toggle("unsent", count > 0);
    total += count;
  }
  const note = document.getElementById("list-unsent");
  note.hidden = total === 0;
  note.textContent = `${total} perubahan di perangkat ini belum terkirim; buka lembarnya saat tersambung.`;
}

if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
if ("serviceWorker" in navigator) {
  navigator.serviceWorker
    .register(root.dataset.sw, { scope: root.dataset.scope })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => registration.active?.postMessage({ cache: [location.pathname] }))
    .catch(() => {});
}
showUnsent();
