// Older results documents brought up to the current version, one step per version, before validation: every outside
// document (a file, a saved run, a link) goes through parseResults, and parseResults through here.

type Doc = Record<string, unknown>;

/** migrations[v] turns a version-v document into a version v + 1 one. */
export const resultsMigrations: Record<number, (doc: Doc) => Doc> = {
  // Version 2 added the learning rate and gradient norm to loss curves, optional: a version 1 curve has neither.
  1: (doc) => ({ ...doc, version: 2 }),
};

/** `json` at version `to` when it is an older document this app can bring up; anything else comes back as it is. */
export function migrateResults(json: unknown, to: number): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  let doc = json as Doc;
  while (typeof doc.version === 'number' && doc.version < to && resultsMigrations[doc.version])
    doc = resultsMigrations[doc.version](doc);
  return doc;
}
