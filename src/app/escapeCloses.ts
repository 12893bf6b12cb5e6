// Escape closes the open menu (a <details> such as Import or Export) that holds the focus or, failing that, the last
// one opened, and puts the focus back on its summary so the keyboard user is where they were.
let installed = false;

export function installEscapeCloses(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const focused = document.activeElement?.closest<HTMLDetailsElement>('details.share-menu[open]');
    const menu = focused ?? [...document.querySelectorAll<HTMLDetailsElement>('details.share-menu[open]')].at(-1);
    if (!menu) return;
    e.preventDefault();
    menu.open = false;
    menu.querySelector<HTMLElement>('summary')?.focus();
  });
}
