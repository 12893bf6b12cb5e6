// The page's figures (recharts charts with their HTML legends, the skill-unit heatmaps, any canvas) as PNG files: found
// in the page by what they are, named by their label or the heading of the panel that holds them, so a new chart or
// heatmap is exportable without registering it.
import { paintFigure } from './paintFigure';
import { withTitle } from './titledFigure';

export interface Figure {
  title: string;
  element: HTMLElement;
}

/** Every <figure> of the page (charts and heatmaps), and canvases outside one. */
const FIGURE_SELECTOR = 'figure, canvas';

function titleOf(el: Element, i: number): string {
  const own = el.getAttribute('aria-label') ?? el.querySelector(':scope > figcaption')?.textContent;
  if (own?.trim()) return own.trim();
  const panel = el.closest('section, article, .panel, .card');
  return panel?.querySelector('h2, h3, h4, legend')?.textContent?.trim() || `figure ${i + 1}`;
}

export function findFigures(root: ParentNode = document): Figure[] {
  const els = [...root.querySelectorAll<HTMLElement>(FIGURE_SELECTOR)].filter(
    (e) => !(e instanceof HTMLCanvasElement && e.closest('figure')) && e.getBoundingClientRect().width > 40,
  );
  const seen = new Map<string, number>();
  return els.map((element, i) => {
    const base = titleOf(element, i);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { title: n > 1 ? `${base} (${n})` : base, element };
  });
}

const toBlob = (canvas: HTMLCanvasElement) =>
  new Promise<Blob>((ok, fail) =>
    canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the browser could not encode the PNG'))), 'image/png'),
  );

/** The figure as a PNG, with its title (and the experiment's name) above it, for slides. */
export async function figureToPng(fig: Figure, experiment?: string): Promise<Blob> {
  const el = fig.element;
  return toBlob(withTitle(el instanceof HTMLCanvasElement ? el : await paintFigure(el), fig.title, experiment));
}
