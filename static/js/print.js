// "Cetak" buttons (data-print) open the browser's print dialog; print.css lays the page out.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
