// How many heatmap cells an inner scroll hides: counted from the cells' boxes against the scroller's, again on scroll
// and on resize, so the page can say they are there.
import { useEffect, useState, type RefObject } from 'react';

export function useHiddenCells(scroller: RefObject<HTMLElement | null>, deps: unknown): number {
  const [hidden, setHidden] = useState(0);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const count = () => {
      const box = el.getBoundingClientRect();
      const cells = el.querySelectorAll('[data-testid="heatmap-cell"]');
      let n = 0;
      cells.forEach((c) => {
        const r = c.getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1) n++;
      });
      setHidden(n);
    };
    count();
    const observer = new ResizeObserver(count);
    observer.observe(el);
    el.addEventListener('scroll', count, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', count);
    };
  }, [scroller, deps]);
  return hidden;
}
