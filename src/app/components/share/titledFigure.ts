// A figure's picture with a title band above it: the figure's name, and the experiment it belongs to, so a PNG dropped
// on a slide says what it shows.
const SCALE = 2; // as paintFigure: canvas pixels per CSS pixel
const PAD = 10;

export function withTitle(figure: HTMLCanvasElement, title: string, experiment?: string): HTMLCanvasElement {
  const band = (experiment ? 46 : 30) * SCALE;
  const canvas = document.createElement('canvas');
  canvas.width = figure.width;
  canvas.height = figure.height + band;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser gave no 2D canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#1d232b';
  ctx.textBaseline = 'top';
  ctx.font = `600 ${15 * SCALE}px system-ui, sans-serif`;
  ctx.fillText(title, PAD * SCALE, 8 * SCALE, canvas.width - 2 * PAD * SCALE);
  if (experiment) {
    ctx.fillStyle = '#5b6570';
    ctx.font = `${12 * SCALE}px system-ui, sans-serif`;
    ctx.fillText(experiment, PAD * SCALE, 28 * SCALE, canvas.width - 2 * PAD * SCALE);
  }
  ctx.drawImage(figure, 0, band);
  return canvas;
}
