// Tapem's live board (issue 12): htmx replaces the tables every few seconds; keep the
// sections Tapem opened (the severity tables) open across the swap.
let open = [];
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target.id !== "board") return;
  open = [...event.detail.target.querySelectorAll("details[open][data-key]")].map((d) => d.dataset.key);
});
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "board") return;
  for (const key of open) {
    const details = event.detail.target.querySelector(`details[data-key="${CSS.escape(key)}"]`);
    if (details) details.open = true;
  }
});
