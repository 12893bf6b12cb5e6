// "1 task", "3 tasks": a number with its noun in the right form.
export const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
