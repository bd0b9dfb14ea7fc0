// The capaian of an indicator with target and realisasi, read live while the operator types:
// Capaian = realisasi / target × 100, or (target − (realisasi − target)) / target × 100 when
// lower is better (LKjIP 004), on the set's scale. The server computes the same
// (evaluations.self_assessment.capaian_reading); this only shows it sooner.
function parse(text) {
  const cleaned = (text || "").trim().replace(/\s/g, "").replace(",", ".");
  if (cleaned === "" || !/^-?\d+(\.\d+)?$/.test(cleaned)) return null;
  return Number(cleaned);
}

function inBand(value, band) {
  if (band.lower !== null && band.lower !== undefined) {
    const lower = Number(band.lower);
    if (value < lower || (value === lower && band.lower_inclusive === false)) return false;
  }
  if (band.upper !== null && band.upper !== undefined) {
    const upper = Number(band.upper);
    if (value > upper || (value === upper && band.upper_inclusive === false)) return false;
  }
  return true;
}

function shown(value) {
  return value.toFixed(2).replace(".", ",") + "%";
}

function update(fieldset) {
  const targetInput = fieldset.querySelector('[data-part="target"] input');
  const realisasiInput = fieldset.querySelector('[data-part="realisasi"] input');
  if (!targetInput || !realisasiInput) return; // a locked sheet: the server's reading stands
  const target = parse(targetInput.value);
  const realisasi = parse(realisasiInput.value);
  const output = fieldset.querySelector(".capaian-value");
  const badge = fieldset.querySelector(".capaian-band");
  if (!output) return;
  if (target === null || realisasi === null || target === 0) {
    output.textContent = "—";
    if (badge) badge.textContent = "—";
    return;
  }
  const value =
    fieldset.dataset.polarity === "lower_is_better"
      ? ((target - (realisasi - target)) / target) * 100
      : (realisasi / target) * 100;
  output.textContent = shown(value);
  let scale = [];
  try {
    scale = JSON.parse(fieldset.dataset.scale || "[]");
  } catch (error) {
    scale = [];
  }
  const band = scale.find((each) => inBand(value, each));
  if (badge) badge.textContent = band ? band.label : "—";
}

document.querySelectorAll("fieldset.capaian").forEach((fieldset) => {
  fieldset.addEventListener("input", () => update(fieldset));
  update(fieldset);
});
