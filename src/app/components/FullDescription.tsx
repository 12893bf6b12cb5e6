// A strategy's whole description, one keypress away (the list shows its first sentence, cut to two lines): a
// disclosure a keyboard or a touch screen opens as well as a mouse.
export function FullDescription({ name, text }: { name: string; text: string }) {
  return (
    <details className="more">
      <summary>
        More <span className="visually-hidden">about {name}</span>
      </summary>
      <p>{text}</p>
    </details>
  );
}
