// CLI commands register here by name, so adding one is adding one file.
import type { Args } from '../args';

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: Args): Promise<void>;
}

export const commands = new Map<string, Command>();
export const registerCommand = (c: Command) => void commands.set(c.name, c);
