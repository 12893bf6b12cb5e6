// A wide table on a narrow screen: it scrolls sideways inside this named, focusable region (so a keyboard can scroll
// it too) instead of widening the page.
import type { ReactNode } from 'react';

export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="scroll-region" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
