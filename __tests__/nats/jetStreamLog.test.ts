/**
 * A broker's log on JetStream, against a real nats-server with JetStream in a temporary store:
 * written by the log writers through `jetStreamSink`, read back by `jetStreamSource` and by the
 * command line at a NATS address (`--verify`, `--follow`), continued after a restart, and never
 * duplicated by a publish repeated after a lost acknowledgement.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';

import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect, headers } from '@nats-io/transport-node';

import { replayLog } from '../../src';
import { generateLog } from '../../src/log/generateLog';
import { LOG_LINE_HEADER, jetStreamSink, jetStreamSource, logSubject } from '../../src/nats';
import { createLogWriter, writeLog } from '../../src/node';
import { CLI, ROOT, expectNoStack, linesOf, requireBuiltCli, runCli, watchOutput } from '../support/cli';
import { collector } from '../support/streams';
import { afterThisTest, cleanUp, closedPort, tempDir } from '../node/backends';
import type { NatsServer } from './natsServer';
import { describeWithNats, startNatsCluster, startNatsServer } from './natsServer';

jest.setTimeout(90_000);
afterEach(cleanUp);

const STREAM = 'LIFECYCLE';

const connectTo = async (servers: string | ReadonlyArray<string>): Promise<NatsConnection> => {
  const nc = await connect({
    servers: typeof servers === 'string' ? servers : [...servers],
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
  afterThisTest(() => nc.close());
  return nc;
};

const addStream = async (nc: NatsConnection, replicas = 1): Promise<void> => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: STREAM, subjects: ['broker.>'], num_replicas: replicas });
};

/** A generated log: its header and records, and its text and lines as the file writer writes them. */
const aLog = async (actions: number, seed = 7) => {
  const log = generateLog({ backends: 12, actions, seed, results: true });
  const records = [...log.records];
  const written = collector();
  await writeLog(written, log.header, records);
  const text = written.text();
  return { header: log.header, records, lines: text.split('\n').filter((l) => l !== ''), text };
};

/** Every line the source gives, in order. */
const linesFrom = async (source: AsyncIterable<string>): Promise<ReadonlyArray<string>> => {
  let text = '';
  for await (const chunk of source) {
    text += chunk;
  }
  return text.split('\n').filter((l) => l !== '');
};

const messagesOn = async (nc: NatsConnection, subject: string): Promise<number> => {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(STREAM, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
};

/** A server with the stream, and a writer of broker `name`'s log that has written its first `written` records. */
const writingFirst = async (actions: number, name: string, written: number) => {
  const server = await startNatsServer({ jetstream: true });
  const nc = await connectTo(server.url);
  await addStream(nc);
  const log = await aLog(actions);
  const subject = logSubject(name);
  const writer = createLogWriter(await jetStreamSink({ connection: nc, stream: STREAM, subject }), log.header);
  for (const r of log.records.slice(0, written)) {
    await writer.write(r);
  }
  return { server, nc, log, subject, writer };
};

describeWithNats('the log on JetStream', () => {
  beforeAll(() => {
    requireBuiltCli();
  });

  describe('jetStreamSink and jetStreamSource', () => {
    it('should store one message per line, header first, and read back the same lines that replay as the file does', async () => {
      const server = await startNatsServer({ jetstream: true });
      const nc = await connectTo(server.url);
      await addStream(nc);
      const log = await aLog(500);
      const subject = logSubject('ci-runner-1');
      await writeLog(await jetStreamSink({ connection: nc, stream: STREAM, subject }), log.header, log.records);
      expect(await messagesOn(nc, subject)).toBe(log.lines.length);
      const read = await linesFrom(jetStreamSource({ connection: nc, stream: STREAM, subject }));
      expect(read).toEqual(log.lines);
      const fromStream = await replayLog(jetStreamSource({ connection: nc, stream: STREAM, subject }), {
        verify: true,
      });
      const fromText = await replayLog([log.text], { verify: true });
      expect(fromStream.divergences).toBe(0);
      expect(fromStream.checked).toBeGreaterThan(0);
      expect(fromStream.state).toEqual(fromText.state);
      expect(fromStream.lastLine).toBe(log.lines.length);
    });

    it('should continue the log of a broker that restarts without a second header, and refuse another header', async () => {
      const { nc, log, subject, writer: first } = await writingFirst(300, 'ci-runner-2', 120);
      await first.end();
      // The broker restarts: a new sink, a new writer, the same header.
      const second = createLogWriter(await jetStreamSink({ connection: nc, stream: STREAM, subject }), log.header);
      for (const r of log.records.slice(120)) {
        await second.write(r);
      }
      await second.end();
      expect(await linesFrom(jetStreamSource({ connection: nc, stream: STREAM, subject }))).toEqual(log.lines);
      expect(await messagesOn(nc, subject)).toBe(log.lines.length);
      // A broker of another policy cannot continue it.
      const other = await aLog(1);
      const thirdSink = await jetStreamSink({ connection: nc, stream: STREAM, subject });
      const refused = new Promise<Error>((resolve) => thirdSink.once('error', resolve));
      const third = createLogWriter(thirdSink, {
        ...other.header,
        policy: { ...other.header.policy, ackTimeoutMs: 1234 },
      });
      await expect(third.end()).rejects.toThrow();
      expect((await refused).message).toMatch(/^broker\.ci-runner-2 already holds a log with another header: /);
      expect(await messagesOn(nc, subject)).toBe(log.lines.length);
    });

    it('should store a line published again after a lost acknowledgement once, and put a late line back in its place', async () => {
      const server = await startNatsServer({ jetstream: true });
      const nc = await connectTo(server.url);
      await addStream(nc);
      const log = await aLog(20);
      const subject = logSubject('ci-runner-3');
      const js = jetstream(nc);
      const publish = (line: number) => {
        const h = headers();
        h.set(LOG_LINE_HEADER, String(line));
        return js.publish(subject, log.lines[line - 1] ?? '', { msgID: `${subject}#${String(line)}`, headers: h });
      };
      // Lines 1 to 10, then 12 before 11 (11 published again after a failure), then 11 twice.
      for (let line = 1; line <= 10; line++) {
        await publish(line);
      }
      await publish(12);
      expect((await publish(11)).duplicate).toBe(false);
      expect((await publish(11)).duplicate).toBe(true);
      expect(await messagesOn(nc, subject)).toBe(12);
      expect(await linesFrom(jetStreamSource({ connection: nc, stream: STREAM, subject }))).toEqual(
        log.lines.slice(0, 12),
      );
      // A sink that continues it after the restart goes on from line 13.
      const sink = await jetStreamSink({ connection: nc, stream: STREAM, subject });
      await new Promise<void>((resolve, reject) => {
        sink.on('error', reject);
        sink.end(`${log.lines.slice(0, 1).join('')}\n${log.lines.slice(12).join('\n')}\n`, resolve);
      });
      expect(await linesFrom(jetStreamSource({ connection: nc, stream: STREAM, subject }))).toEqual(log.lines);
      // A line missing at the end of what is stored is one error, not a silent gap.
      const gap = logSubject('ci-runner-gap');
      const h = headers();
      for (const line of [1, 3]) {
        h.set(LOG_LINE_HEADER, String(line));
        await js.publish(gap, log.lines[line - 1] ?? '', { msgID: `${gap}#${String(line)}`, headers: h });
      }
      await expect(linesFrom(jetStreamSource({ connection: nc, stream: STREAM, subject: gap }))).rejects.toThrow(
        'line 2 is missing from broker.ci-runner-gap',
      );
    });
  });

  describe('the command line at a NATS address', () => {
    const stored = async (actions: number, name: string) => {
      const server = await startNatsServer({ jetstream: true });
      const nc = await connectTo(server.url);
      await addStream(nc);
      const log = await aLog(actions);
      const subject = logSubject(name);
      await writeLog(await jetStreamSink({ connection: nc, stream: STREAM, subject }), log.header, log.records);
      return { server, nc, log, subject, address: `${server.url}/${STREAM}/${subject}` };
    };

    it('should replay and verify a log on a stream as it does the same file', async () => {
      const { log, address } = await stored(400, 'ci-runner-1');
      const file = path.join(tempDir(), 'broker.ndjson');
      fs.writeFileSync(file, log.text);
      const [fromStream, fromFile] = await Promise.all([
        runCli(['replay', address, '--verify', '--json']),
        runCli(['replay', file, '--verify', '--json']),
      ]);
      expect(fromStream.stderr).toBe('');
      expect(fromStream.code).toBe(0);
      const a = JSON.parse(fromStream.stdout) as Record<string, unknown>;
      const b = JSON.parse(fromFile.stdout) as Record<string, unknown>;
      expect(a.file).toBe(address);
      expect({ ...a, file: '' }).toEqual({ ...b, file: '' });
      const valid = await runCli(['validate', address]);
      expect(valid.code).toBe(0);
      expect(valid.stdout).toMatch(/: valid: format version 3, 400 entries, 0 invalid lines/);
    });

    it('should say in one line, with exit 2 and no hang, what is wrong with an address, a server or a stream', async () => {
      const server = await startNatsServer({ jetstream: true });
      const nc = await connectTo(server.url);
      await addStream(nc);
      const closed = await closedPort();
      const cases: ReadonlyArray<readonly [string, string]> = [
        [
          `${server.url}/${STREAM}`,
          'is not a NATS log address (nats://host:port/STREAM/subject): it needs a stream and a subject after the host',
        ],
        [`${server.url}/${STREAM}/broker.*`, 'must be literal tokens'],
        [
          `nats://127.0.0.1:${String(closed)}/${STREAM}/broker.x`,
          `cannot connect to NATS at 127.0.0.1:${String(closed)}: `,
        ],
        [`${server.url}/NOPE/broker.x`, 'no JetStream stream NOPE on the server'],
        [`${server.url}/${STREAM}/broker.never`, `the stream ${STREAM} holds no message on broker.never`],
      ];
      for (const [address, message] of cases) {
        const r = await runCli(['replay', address, '--verify'], { timeoutMs: 20_000 });
        expectNoStack(r);
        expect(r.signal).toBeNull();
        expect(r.code).toBe(2);
        expect(linesOf(r.stderr)).toHaveLength(1);
        expect(r.stderr).toContain(`lifecycle-broadcast: cannot read ${address}: `);
        expect(r.stderr).toContain(message);
      }
    });

    it('should follow a log on a stream as a broker appends to it, and print the summary on Ctrl-C', async () => {
      const { server, log, subject, writer } = await writingFirst(60, 'ci-runner-4', 20);
      const address = `${server.url}/${STREAM}/${subject}`;
      const child = spawn(process.execPath, [CLI, 'replay', address, '--follow', '--verify'], { cwd: ROOT });
      afterThisTest(() => {
        child.kill('SIGKILL');
      });
      const seen = watchOutput(child);
      await seen.stderrMatches(/following .*: line 21, 20 records/);
      for (const r of log.records.slice(20)) {
        await writer.write(r);
      }
      await seen.stderrMatches(/following .*: line 61, 60 records/);
      child.kill('SIGINT');
      const r = await seen.closed;
      expectNoStack(r);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(
        /^read +registry after line 61, the end of the log: 60 actions applied, no invalid line$/m,
      );
      await writer.end();
    });
  });

  describe('on a three-node cluster with replicas 3', () => {
    it('should lose and duplicate no acknowledged line when the node the writer is connected to is killed mid-stream', async () => {
      const nodes: ReadonlyArray<NatsServer> = await startNatsCluster(3);
      const [n1, n2, n3] = nodes as [NatsServer, NatsServer, NatsServer];
      const writerConnection = await connectTo(n1.url);
      // The stream waits for its three replicas to be placed (the cluster forms first).
      const admin = await connectTo([n2.url, n3.url]);
      await eventuallyAsync(() => addStream(admin, 3));
      const log = await aLog(3000);
      const subject = logSubject('ci-runner-1');
      // So does each server's JetStream (the writer's first request).
      let sink: Writable | undefined;
      await eventuallyAsync(async () => {
        sink = await jetStreamSink({
          connection: writerConnection,
          stream: STREAM,
          subject,
          retries: 20,
          timeoutMs: 2000,
        });
      });
      const writer = createLogWriter(sink as Writable, log.header);
      let killed: Promise<void> | undefined;
      for (const [i, r] of log.records.entries()) {
        await writer.write(r);
        if (i === 1000) {
          killed = n1.kill();
        }
      }
      await killed;
      await writer.end();
      const reader = await connectTo([n2.url, n3.url]);
      // The two nodes left elect new leaders first (for the cluster, then for the stream).
      let read: ReadonlyArray<string> = [];
      await eventuallyAsync(async () => {
        read = await linesFrom(jetStreamSource({ connection: reader, stream: STREAM, subject }));
      });
      expect(read).toEqual(log.lines);
      expect(await messagesOn(reader, subject)).toBe(log.lines.length);
    });
  });
});

/** Retry `f` until it resolves (the cluster needs a moment to elect its meta leader). */
const eventuallyAsync = async (f: () => Promise<void>, ms = 30_000): Promise<void> => {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await f();
      return;
    } catch (error: unknown) {
      if (Date.now() > until) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
};
