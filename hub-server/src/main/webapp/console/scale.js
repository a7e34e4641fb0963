// The risk scale: Okabe–Ito bluish green → yellow → vermillion, a palette chosen to stay apart for
// the common colour-vision deficiencies. Colour is never the only signal: nodes print their risk,
// and a risk at or above the model's threshold is marked with "!" and a dashed outline. The scale
// is read against the model's threshold: 0 is green, the threshold orange (a prediction is raised
// there), 1 red — so "red" means what the engine acts on, whatever the model's threshold.
const STOPS = [
  [0.0, [0x00, 0x9e, 0x73]],
  [0.5, [0xf0, 0xe4, 0x42]],
  [1.0, [0xd5, 0x5e, 0x00]],
];

/** Where on the scale a risk sits: the threshold at AT_THRESHOLD (orange). */
const AT_THRESHOLD = 0.72;

export function position(risk, threshold) {
  const r = Math.min(1, Math.max(0, Number(risk) || 0));
  if (!(threshold > 0 && threshold < 1)) return r;
  return r < threshold ? AT_THRESHOLD * r / threshold : AT_THRESHOLD + (1 - AT_THRESHOLD) * (r - threshold) / (1 - threshold);
}

/** [r, g, b] of a risk in [0, 1] (against the threshold, when known). */
export function riskRgb(risk, threshold) {
  const r = position(risk, threshold);
  for (let i = 1; i < STOPS.length; i++) {
    const [p1, c1] = STOPS[i];
    const [p0, c0] = STOPS[i - 1];
    if (r <= p1) {
      const f = (r - p0) / (p1 - p0);
      return [0, 1, 2].map(k => Math.round(c0[k] + (c1[k] - c0[k]) * f));
    }
  }
  return STOPS[STOPS.length - 1][1];
}

export function riskColour(risk, threshold) {
  if (risk === null || risk === undefined) return 'var(--unknown)';
  const [r, g, b] = riskRgb(risk, threshold);
  return `rgb(${r},${g},${b})`;
}

/** Black or white text, whichever reads on the risk's colour. */
export function inkOn(risk, threshold) {
  const [r, g, b] = riskRgb(risk, threshold);
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#111' : '#fff';
}

/** Outcome colours (Okabe–Ito too) and words. */
export const OUTCOME = {
  recovered: {colour: '#0072B2', word: 'recovered'},
  not_recovered: {colour: '#E69F00', word: 'not recovered'},
  worse: {colour: '#CC79A7', word: 'worse'},
};
