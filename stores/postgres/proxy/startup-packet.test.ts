import { describe, expect, it } from 'vitest';
import { cancelRequestPacket, readStartupPacket } from './startup-packet.ts';
import { cstr, int32, startupPacket } from '../../../test/postgres-wire-fixtures.ts';

describe('readStartupPacket', () => {
  it('reads a StartupMessage: protocol 3.0 and its parameters', () => {
    const packet = startupPacket(int32(196608), cstr('user'), cstr('alice'), cstr('database'), cstr('shop'), cstr('application_name'), cstr('worker 1'), Buffer.from([0]));
    expect(readStartupPacket(packet)).toEqual({ kind: 'startup', major: 3, minor: 0, parameters: { user: 'alice', database: 'shop', application_name: 'worker 1' } });
  });

  it('tells SSLRequest, GSSENCRequest and CancelRequest by their codes', () => {
    expect(readStartupPacket(startupPacket(int32(80877103)))).toEqual({ kind: 'ssl-request' });
    expect(readStartupPacket(startupPacket(int32(80877104)))).toEqual({ kind: 'gssenc-request' });
    const cancel = startupPacket(int32(80877102), int32(4242), int32(-559038737));
    expect(readStartupPacket(cancel)).toEqual({ kind: 'cancel-request', pid: 4242, secret: int32(-559038737) });
  });

  it("builds a CancelRequest byte for byte as a client's, with a protocol 3.2 key longer than 4 bytes too", () => {
    expect(cancelRequestPacket(4242, int32(-559038737))).toEqual(startupPacket(int32(80877102), int32(4242), int32(-559038737)));
    const long = Buffer.alloc(32, 7);
    expect(readStartupPacket(cancelRequestPacket(9, long))).toEqual({ kind: 'cancel-request', pid: 9, secret: long });
  });
});
