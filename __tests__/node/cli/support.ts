/** The built command line, spawned as a user would run it (`npm test` builds dist/ first). */
import type { Run } from '../../support/cli';
import { runCli } from '../../support/cli';

export type { Run } from '../../support/cli';
export { CLI, ROOT } from '../../support/cli';

/** Run the command line with `args` in `cwd` (the repository by default), and collect what it prints. */
export const run = (args: ReadonlyArray<string>, cwd?: string): Promise<Run> =>
  runCli(args, cwd === undefined ? {} : { cwd });
