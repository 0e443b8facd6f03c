/** Command-line entry point: `trent <command> [options]`. */
import { adminCommand } from './admin-command.js';
import { auditCommand } from './audit-command.js';
import { serverCommand } from './server-command.js';

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  server: serverCommand,
  admin: adminCommand,
  audit: auditCommand,
};

const USAGE = `usage: trent <command> [options]

commands:
  server    run a Trent node (trent server --help)
  admin     create and list accounts in a data directory (trent admin --help)
  audit     verify, export the public key of, and search the audit trail (trent audit --help)`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const run = command === undefined ? undefined : COMMANDS[command];
  if (!run) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  try {
    await run(rest);
  } catch (e) {
    console.error(`trent ${command}: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  }
}
