import { describe, expect, it } from 'vitest';
import { FrameReader, FramingError } from './frame-reader.ts';
import { cstr, int32, message, query, startupPacket, sync } from '../../../test/postgres-wire-fixtures.ts';

/** Feeds `bytes` cut at `cuts` and collects what the reader yields after each piece. */
function readSplit(bytes: Buffer, cuts: number[], next: (r: FrameReader) => Buffer | undefined): Buffer[] {
  const reader = new FrameReader();
  const out: Buffer[] = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(from, to));
    from = to;
    for (let got = next(reader); got !== undefined; got = next(reader)) out.push(got);
  }
  expect(reader.buffered).toBe(0);
  return out;
}

describe('FrameReader', () => {
  const stream = Buffer.concat([query('SELECT 1'), message('P', cstr(''), cstr('SELECT $1'), Buffer.alloc(2)), sync()]);

  it('yields the same typed messages however the stream is split, even one byte at a time', () => {
    const whole = readSplit(stream, [], (r) => r.nextMessage()?.bytes);
    expect(whole.map((b) => String.fromCharCode(b[0]!))).toEqual(['Q', 'P', 'S']);
    expect(Buffer.concat(whole)).toEqual(stream);
    const everyByte = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    expect(readSplit(stream, everyByte, (r) => r.nextMessage()?.bytes)).toEqual(whole);
    expect(readSplit(stream, [3, 4, 20], (r) => r.nextMessage()?.bytes)).toEqual(whole);
  });

  it("gives a message's type and body apart from its header", () => {
    const reader = new FrameReader();
    reader.push(query('SELECT 1'));
    const frame = reader.nextMessage()!;
    expect(frame.type).toBe('Q');
    expect(frame.body.toString('utf8')).toBe('SELECT 1\0');
  });

  it('cuts untyped startup packets by their own length, then typed messages after them', () => {
    const ssl = startupPacket(int32(80877103));
    const startup = startupPacket(int32(196608), cstr('user'), cstr('u'), Buffer.from([0]));
    const reader = new FrameReader();
    const all = Buffer.concat([ssl, startup, query('SELECT 1')]);
    reader.push(all.subarray(0, 5));
    expect(reader.nextStartupPacket()).toBeUndefined();
    reader.push(all.subarray(5, 10));
    expect(reader.nextStartupPacket()).toEqual(ssl);
    expect(reader.nextStartupPacket()).toBeUndefined();
    reader.push(all.subarray(10));
    expect(reader.nextStartupPacket()).toEqual(startup);
    expect(reader.nextMessage()?.type).toBe('Q');
  });

  it('refuses lengths the protocol cannot have, rather than waiting for bytes that will never make sense', () => {
    const reader = new FrameReader();
    reader.push(Buffer.from([0x51, 0, 0, 0, 2]));
    expect(() => reader.nextMessage()).toThrow(FramingError);
    const startup = new FrameReader();
    startup.push(int32(1_000_000));
    expect(() => startup.nextStartupPacket()).toThrow(/outside 8 to 10000/);
  });
});
