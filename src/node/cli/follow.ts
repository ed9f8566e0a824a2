/**
 * `replay --follow`: replay a log a broker is still writing, printing where the replay is each
 * time it catches up and every divergence as it is met, until Ctrl-C ends it with the summary.
 *
 * @since 0.3.0
 */
import * as O from 'fp-ts/Option';

import { printable } from '../../internal/printable';
import { describeInvalidLine } from '../../log/logReader';
import type { LogSource } from '../../log/logReader';
import type { ReplayMode } from '../../replay/LogReplay';
import type { LinesReplay } from '../../replay/replayLines';
import { replayLines } from '../../replay/replayLines';
import { describeDivergence, divergenceFields } from '../../replay/verify';
import { followFile } from '../followFile';
import type { ReplayFlagsBase } from './incident';
import type { CliIO } from './io';
import { isNatsAddress, say, thousands } from './io';

/**
 * What a followed source needs from the follower: the signal that ends it and the function to
 * call each time it has given everything there is so far.
 */
export interface FollowControl {
  readonly signal: AbortSignal;
  readonly onCaughtUp: () => void;
}

/** Opens the followed source of an input the command line was given. */
export type OpenFollowed = (input: string, control: FollowControl) => LogSource;

/** A file, followed. */
export const followedFile: OpenFollowed = (input, control) => followFile(input, control);

/**
 * Replay `input` as `open` follows it until Ctrl-C (or a read failure, or a bad line in strict
 * mode), saying on standard error where it is whenever it catches up with a change, each bad
 * line and each divergence as they are met. The outcome is the replay so far.
 */
export const followInput = async (input: string, flags: ReplayFlagsBase, io: CliIO): Promise<LinesReplay> => {
  const open: OpenFollowed = isNatsAddress(input)
    ? (address, control) => io.openNats?.(address, control) ?? followedFile(address, control)
    : followedFile;
  const mode: ReplayMode = flags.lenient === true ? 'lenient' : 'strict';
  const verify = flags.verify === true;
  const stop = new AbortController();
  const withdraw = io.onInterrupt?.(() => {
    stop.abort();
  });
  let line = 0;
  let records = 0;
  let broadcasts = 0;
  let diverged = 0;
  let shown = -1;
  const onCaughtUp = (): void => {
    if (line === shown) {
      return;
    }
    shown = line;
    say(
      io.stderr,
      `following ${printable(input)}: line ${thousands(line)}, ${thousands(records)} records, ${thousands(
        broadcasts,
      )} broadcasts${verify ? `, ${thousands(diverged)} diverged` : ''}`,
    );
  };
  try {
    return await replayLines(open(input, { signal: stop.signal, onCaughtUp }), {
      name: input,
      mode,
      verify,
      maxLineLength: flags.maxLineLength,
      ...(flags.from === undefined ? {} : { from: flags.from }),
      onLines: (last) => {
        line = last;
      },
      onInvalidLine: (l) => {
        say(io.stderr, describeInvalidLine(l));
      },
      onStep: (step) => {
        records += 1;
        if (step.record._tag === 'Broadcast' || step.record._tag === 'BroadcastTo') {
          broadcasts += 1;
        }
        if (O.isSome(step.divergence)) {
          diverged += 1;
          say(io.stderr, printable(describeDivergence(step.divergence.value)));
          for (const field of divergenceFields(step.divergence.value)) {
            say(io.stderr, `  ${printable(field)}`);
          }
        }
      },
    });
  } finally {
    withdraw?.();
  }
};
