// The first tab stop: jumps past the header to the run controls. It moves the focus itself rather than following its
// #fragment, because the page's fragment is the experiment's link.
import type { MouseEvent } from 'react';

export function SkipLink({ to, children }: { to: string; children: string }) {
  const jump = (e: MouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    const target = document.getElementById(to);
    if (!target) return;
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
  };
  return (
    <a className="skip-link" href={`#${to}`} onClick={jump}>
      {children}
    </a>
  );
}
