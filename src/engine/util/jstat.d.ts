// The part of jStat (npm "jstat", no types of its own) the playground uses.
declare module 'jstat' {
  const jStat: { studentt: { inv(p: number, dof: number): number } };
  export default jStat;
}
