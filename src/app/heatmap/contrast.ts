// WCAG 2 contrast: the text colour (near-black or white) that reads best on a background, so a coloured cell's number
// stays readable wherever the colour map puts it (a fixed threshold on the map's position left mid-viridis cells at 3.6:1).

/** "#rrggbb" or "rgb(r,g,b)" as 0–255 channels. */
function channels(color: string): number[] {
  const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(color);
  if (m) return m.slice(1).map(Number);
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function luminance(color: string): number {
  const [r, g, b] = channels(color).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Pure black: any background then reaches 4.58:1 with one of the two (the worst case, luminance 0.18, ties them).
export const DARK_TEXT = '#000000';
export const LIGHT_TEXT = '#ffffff';

/** The text colour with the higher contrast on `background`. */
export const readableOn = (background: string) =>
  contrastRatio(DARK_TEXT, background) >= contrastRatio(LIGHT_TEXT, background) ? DARK_TEXT : LIGHT_TEXT;
