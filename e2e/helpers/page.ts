// What the browser tests share: a screenshot attached to the report, and a spec written in a test, validated.
import type { Locator, Page, TestInfo } from '@playwright/test';
import { parseSpec, type ExperimentSpec } from '../../src/engine/spec/experiment';

/** Saves a screenshot of the page (the viewport, or all of it with fullPage) or of one element, and attaches it. */
export async function snap(target: Page | Locator, info: TestInfo, name: string, { fullPage = false } = {}): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await ('goto' in target ? target.screenshot({ path, fullPage }) : target.screenshot({ path }));
  await info.attach(name, { path, contentType: 'image/png' });
}

/** The spec, validated; a spec a test writes wrong fails the test with the schema's messages. */
export function validSpec(input: unknown): ExperimentSpec {
  const r = parseSpec(input);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec;
}
