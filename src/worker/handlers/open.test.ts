import { describe, expect, it } from 'vitest';
import { readFixture, readMalformed } from '../../../tests/helpers/corpus';
import type { Call } from '../handler';
import { Superseded, sessionFor } from '../held-profile';
import type { OpenProgress } from '../protocol';
import { openHandlers } from './open';

/** A request as the dispatcher gives it to a handler; `newerOpen` says whether another open has come. */
function call(newerOpen = () => false): Call & { progress: (p: OpenProgress) => void; phases: string[] } {
  const phases: string[] = [];
  return { phases, progress: (p) => phases.push(p.phase), transfer: () => undefined, newerOpen, newerRequest: () => false };
}

const file = (name: string) => ({ source: new Blob([readFixture(name) as BlobPart]), name });

describe("the worker's opens", () => {
  it('read, inflate and open a file, which then answers the requests that name it', async () => {
    const c = call();
    const opened = await openHandlers.open(file('go-cpu-tiny.pb.gz'), c);
    expect(opened.name).toBe('go-cpu-tiny.pb.gz');
    expect(opened.summary.sampleTypes.map((t) => t.type)).toEqual(['samples', 'cpu']);
    expect(c.phases).toContain('reading');
    expect(c.phases).toContain('building');
    expect(sessionFor({ profile: opened.id }).summary().totals).toEqual(opened.summary.totals);
  });

  it("divide every value by a source's divideBy (a gauge's average), in the totals and the views", async () => {
    const whole = await openHandlers.open(file('go-cpu-tiny.pb.gz'), call());
    const wholeTop = sessionFor({ profile: whole.id }).top(1, 'functions');
    const averaged = await openHandlers.open({ ...file('go-cpu-tiny.pb.gz'), divideBy: 4 }, call());
    expect(averaged.summary.totals).toEqual(whole.summary.totals.map((t) => t / 4));
    const top = sessionFor({ profile: averaged.id }).top(1, 'functions');
    expect([...top.flat]).toEqual([...wholeTop.flat].map((v) => v / 4));
  });

  it('replace the open profile: requests naming the previous one are superseded', async () => {
    const first = await openHandlers.open(file('go-cpu-tiny.pb.gz'), call());
    const second = await openHandlers.open(file('go-cpu.pb.gz'), call());
    expect(() => sessionFor({ profile: first.id })).toThrow(Superseded);
    expect(sessionFor({ profile: second.id }).summary().totals).toEqual(second.summary.totals);
  });

  it('drop a file when another open came while it was read, keeping the open profile', async () => {
    const kept = await openHandlers.open(file('go-cpu-tiny.pb.gz'), call());
    await expect(
      openHandlers.open(
        file('go-cpu.pb.gz'),
        call(() => true),
      ),
    ).rejects.toThrow(Superseded);
    expect(sessionFor({ profile: kept.id }).summary().totals).toEqual(kept.summary.totals);
  });

  it('keep the open profile when a file cannot be opened', async () => {
    const kept = await openHandlers.open(file('go-cpu-tiny.pb.gz'), call());
    const bad = { source: new Blob([readMalformed('text.pb.gz') as BlobPart]), name: 'text.pb.gz' };
    await expect(openHandlers.open(bad, call())).rejects.toThrow(/text file, not a pprof profile/);
    expect(sessionFor({ profile: kept.id }).summary().totals).toEqual(kept.summary.totals);
  });

  it('name the side of a diff that cannot be opened', async () => {
    const bad = { source: new ArrayBuffer(0), name: 'empty.pb' };
    await expect(openHandlers['open-diff']({ base: bad, next: file('go-cpu.pb.gz') }, call())).rejects.toThrow(/^empty\.pb: /);
  });
});
