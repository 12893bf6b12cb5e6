// Headless runner: `npm run cli -- <command> [flags]`.
import { checkFlags, flagsOfUsage, parseArgs, UsageError } from './args';
import { commands } from './commands/registry';
import { STOPPED_EARLY } from './commands/run';
import './commands/train';
import './commands/run';
import './commands/demo';
import './commands/sweep';
import './commands/merge';
import './commands/fuse';
import './commands/pretrain';
import './commands/inspect';
import './commands/convert';

// tfjs prints a hint to install tfjs-node, which cannot install here; keep stdout clean for JSON lines.
const log = console.log;
console.log = (...a: unknown[]) => {
  if (typeof a[0] === 'string' && (a[0].includes('tfjs-node') || a[0].startsWith('\n====='))) return;
  log(...a);
};

function help(): string {
  const lines = [...commands.values()].map((c) => `  ${c.usage}\n      ${c.summary}`);
  return (
    `usage: npm run cli -- <command> [flags]\n\ncommands:\n${lines.join('\n')}\n\n` +
    `exit codes: 0 done; 1 an error; 2 a bad command line or input; ${STOPPED_EARLY} run, demo or sweep finished and ` +
    `wrote its results, but strategies stopped early (a non-finite loss, a failed lane; each says why)`
  );
}

async function main() {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === 'help' || name === '--help') {
    console.log(help());
    return;
  }
  const cmd = commands.get(name);
  if (!cmd) throw new UsageError(`unknown command "${name}"\n\n${help()}`);
  const args = parseArgs(rest);
  checkFlags(args, name, flagsOfUsage(cmd.usage));
  await cmd.run(args);
}

main().catch((e: unknown) => {
  const usage = e instanceof UsageError;
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(usage ? 2 : 1);
});
