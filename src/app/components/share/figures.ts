// The page's charts (recharts SVG) and canvas heatmaps as PNG files: found in the page by what they are, named by the
// heading of the panel that holds them, so a new chart is exportable without registering it.
export interface Figure {
  title: string;
  element: SVGSVGElement | HTMLCanvasElement;
}

const SCALE = 2; // pixels per CSS pixel: sharp on slides

function titleOf(el: Element, i: number): string {
  const panel = el.closest('section, article, .panel, .card, figure');
  const heading = panel?.querySelector('h2, h3, h4, figcaption, legend')?.textContent?.trim();
  return heading || el.getAttribute('aria-label') || `figure ${i + 1}`;
}

export function findFigures(root: ParentNode = document): Figure[] {
  const els = [...root.querySelectorAll<SVGSVGElement | HTMLCanvasElement>('svg.recharts-surface, canvas')].filter((e) => e.getBoundingClientRect().width > 40);
  const seen = new Map<string, number>();
  return els.map((element, i) => {
    const base = titleOf(element, i);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { title: n > 1 ? `${base} (${n})` : base, element };
  });
}

const toBlob = (canvas: HTMLCanvasElement) =>
  new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the browser could not encode the PNG'))), 'image/png'));

/** Copies the computed paint of every SVG element inline, so the picture keeps colours set by stylesheets. */
function inlineStyles(source: SVGElement, clone: SVGElement): void {
  const props = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'font-size', 'font-family', 'font-weight'];
  const src = [source, ...source.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  src.forEach((s, i) => {
    const cs = getComputedStyle(s);
    const d = dst[i] as SVGElement;
    for (const p of props) d.style.setProperty(p, cs.getPropertyValue(p));
  });
}

export async function figureToPng(fig: Figure): Promise<Blob> {
  const el = fig.element;
  if (el instanceof HTMLCanvasElement) return toBlob(el);
  const { width, height } = el.getBoundingClientRect();
  const clone = el.cloneNode(true) as SVGSVGElement;
  inlineStyles(el, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('the chart could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * SCALE);
    canvas.height = Math.round(height * SCALE);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the browser gave no 2D canvas');
    const bg = getComputedStyle(document.body).backgroundColor;
    ctx.fillStyle = !bg || bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent' ? '#ffffff' : bg;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await toBlob(canvas);
  } finally {
    URL.revokeObjectURL(url);
  }
}
