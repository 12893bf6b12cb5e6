// Small control icons drawn as SVG: symbol characters (⏸ ⏹ ⏭) are missing from many system fonts.
const paths = {
  play: 'M4 2.5v11l9-5.5z',
  pause: 'M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z',
  step: 'M2.5 2.5v11l8-5.5zM11 2.5h2.5v11H11z',
  stop: 'M3 3h10v10H3z',
};

export function Icon({ name }: { name: keyof typeof paths }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="currentColor" />
    </svg>
  );
}
