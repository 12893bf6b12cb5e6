// A link whose experiment names a checkpoint by URL also carries the content hash of the files this browser ran it
// with (read from Cache Storage), so opening it elsewhere tells when the URL now serves something else.
import { cachedFolderHash } from '../../../engine/io/modelCache';
import type { ExperimentSpec } from '../../../engine/spec/experiment';

const folderOf = (url: string) => {
  const href = new URL(url, location.href).href;
  return href.endsWith('/') ? href : `${href}/`;
};

/**
 * The spec to put in a link: with model.sha256 when this browser has the checkpoint's files, else with a caveat that
 * says so (told with the copy's own notice, which would replace a notice of its own).
 */
export async function linkSpec(spec: ExperimentSpec): Promise<{ spec: ExperimentSpec; caveat?: string }> {
  if (!('checkpoint' in spec.model)) return { spec };
  const { checkpoint } = spec.model;
  let sha256: string | undefined;
  try {
    sha256 = await cachedFolderHash(folderOf(checkpoint));
  } catch {
    sha256 = undefined; // no Cache Storage here: the link names the URL, with the hash it came with if any
  }
  if (sha256) return { spec: { ...spec, model: { checkpoint, sha256 } } };
  if (spec.model.sha256) return { spec };
  return {
    spec,
    caveat: `The link names the checkpoint ${checkpoint} by URL only: its files are not in this browser yet (run it once), so the link has no content hash to check them against.`,
  };
}
