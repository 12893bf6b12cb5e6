// Draws a figure of the page into a canvas as the page shows it: each element's background and borders, its text, and
// its SVG (recharts) and canvas children. The heatmaps are grids of HTML boxes and the charts' legends are HTML beside
// an SVG, so neither can be saved by serializing one SVG; painting the boxes covers both with one rule.
const SCALE = 2; // canvas pixels per CSS pixel: sharp on slides

const isClear = (color: string) => !color || color === 'transparent' || /^rgba\(.*,\s*0\)$/.test(color);

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Copies the computed paint of every SVG element inline, so the picture keeps colours set by stylesheets. */
function inlineSvgStyles(source: SVGElement, clone: SVGElement): void {
  const props = [
    'fill',
    'stroke',
    'stroke-width',
    'stroke-dasharray',
    'opacity',
    'font-size',
    'font-family',
    'font-weight',
  ];
  const src = [source, ...source.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((s, i) => {
    const cs = getComputedStyle(s);
    const d = dst[i] as SVGElement;
    for (const p of props) d.style.setProperty(p, cs.getPropertyValue(p));
  });
}

async function svgImage(el: SVGSVGElement, box: Box): Promise<HTMLImageElement> {
  const clone = el.cloneNode(true) as SVGSVGElement;
  inlineSvgStyles(el, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(box.w));
  clone.setAttribute('height', String(box.h));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('a chart could not be drawn as an image'));
      img.src = url;
    });
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function paintBorders(ctx: CanvasRenderingContext2D, cs: CSSStyleDeclaration, b: Box): void {
  const sides = [
    ['top', b.x, b.y, b.x + b.w, b.y],
    ['bottom', b.x, b.y + b.h, b.x + b.w, b.y + b.h],
    ['left', b.x, b.y, b.x, b.y + b.h],
    ['right', b.x + b.w, b.y, b.x + b.w, b.y + b.h],
  ] as const;
  for (const [side, x0, y0, x1, y1] of sides) {
    const width = parseFloat(cs.getPropertyValue(`border-${side}-width`));
    const color = cs.getPropertyValue(`border-${side}-color`);
    if (!(width > 0) || cs.getPropertyValue(`border-${side}-style`) === 'none' || isClear(color)) continue;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }
}

/** Vertical text (the heatmap's column labels) turns by a quarter; rotated 180° by CSS it reads bottom to top. */
function textAngle(cs: CSSStyleDeclaration): number {
  if (!cs.writingMode.startsWith('vertical')) return 0;
  const m = /^matrix\(([-\d.e]+)/.exec(cs.transform);
  return m && Number(m[1]) < 0 ? -Math.PI / 2 : Math.PI / 2;
}

/** The text of one element's own text nodes, word-wrapped over the line boxes the browser laid out. */
function paintText(ctx: CanvasRenderingContext2D, el: Element, cs: CSSStyleDeclaration, at: (r: DOMRect) => Box): void {
  ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
  ctx.fillStyle = cs.color;
  ctx.textBaseline = 'middle';
  const angle = textAngle(cs);
  for (const node of el.childNodes) {
    const text = node.nodeType === Node.TEXT_NODE ? node.textContent?.replace(/\s+/g, ' ').trim() : '';
    if (!text) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = [...range.getClientRects()].map(at).filter((b) => b.w > 0 && b.h > 0);
    if (!lines.length) continue;
    if (angle !== 0) {
      const b = lines[0];
      ctx.save();
      ctx.translate(b.x + b.w / 2, b.y + b.h / 2);
      ctx.rotate(angle);
      ctx.textAlign = 'center';
      ctx.fillText(text, 0, 0);
      ctx.restore();
      continue;
    }
    ctx.textAlign = 'left';
    const words = text.split(' ');
    let line = 0;
    let current = '';
    const flush = () => {
      const b = lines[Math.min(line, lines.length - 1)];
      ctx.fillText(current, b.x, b.y + b.h / 2);
    };
    for (const w of words) {
      const next = current ? `${current} ${w}` : w;
      if (current && line < lines.length - 1 && ctx.measureText(next).width > lines[line].w + 1) {
        flush();
        line++;
        current = w;
      } else current = next;
    }
    flush();
  }
}

/** A left-to-right linear-gradient background (the colour ramps of the heatmap legends), evenly spaced stops. */
function paintGradient(ctx: CanvasRenderingContext2D, image: string, b: Box): void {
  if (!image.startsWith('linear-gradient(to right')) return;
  const stops = image.match(/rgba?\([^)]*\)/g) ?? [];
  if (stops.length < 2) return;
  const g = ctx.createLinearGradient(b.x, 0, b.x + b.w, 0);
  stops.forEach((c, i) => g.addColorStop(i / (stops.length - 1), c));
  ctx.fillStyle = g;
  ctx.fillRect(b.x, b.y, b.w, b.h);
}

/** The figure as a canvas, SCALE pixels per CSS pixel, over the page's background colour; content scrolled out of view included. */
export async function paintFigure(root: HTMLElement): Promise<HTMLCanvasElement> {
  // data-ui-hint marks what only the page needs ("Hover a cell…", "Click a strategy…"): left out of figures.
  const elements = [root, ...root.querySelectorAll('*')].filter(
    (el) =>
      !(el instanceof SVGElement && !(el instanceof SVGSVGElement && !el.ownerSVGElement)) &&
      !el.closest('[data-ui-hint]'),
  );
  const rects = elements.map((el) => el.getBoundingClientRect());
  const shown = rects.filter((r) => r.width > 0 && r.height > 0); // a hidden element's empty box sits at the viewport's corner
  const left = Math.min(...shown.map((r) => r.left));
  const top = Math.min(...shown.map((r) => r.top));
  const width = Math.max(...shown.map((r) => r.right)) - left;
  const height = Math.max(...shown.map((r) => r.bottom)) - top;
  const at = (r: DOMRect): Box => ({ x: r.left - left, y: r.top - top, w: r.width, h: r.height });

  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * SCALE));
  canvas.height = Math.max(1, Math.round(height * SCALE));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser gave no 2D canvas');
  ctx.scale(SCALE, SCALE);
  const bg = getComputedStyle(document.body).backgroundColor;
  ctx.fillStyle = isClear(bg) ? '#ffffff' : bg;
  ctx.fillRect(0, 0, width, height);

  for (const [i, el] of elements.entries()) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') continue;
    const b = at(rects[i]);
    if (b.w <= 0 || b.h <= 0) continue;
    if (el instanceof SVGSVGElement) {
      ctx.drawImage(await svgImage(el, b), b.x, b.y, b.w, b.h);
      continue;
    }
    if (el instanceof HTMLCanvasElement) {
      ctx.drawImage(el, b.x, b.y, b.w, b.h);
      continue;
    }
    if (!isClear(cs.backgroundColor)) {
      ctx.fillStyle = cs.backgroundColor;
      ctx.fillRect(b.x, b.y, b.w, b.h);
    }
    paintGradient(ctx, cs.backgroundImage, b);
    paintBorders(ctx, cs, b);
    paintText(ctx, el, cs, at);
  }
  return canvas;
}
