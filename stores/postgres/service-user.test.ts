import { describe, expect, it } from 'vitest';
import { fromPasswd } from './service-user.ts';

describe('the service user from /etc/passwd', () => {
  it('reads its uid and gid from its own line, and only from its own', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\npostgresql:x:7:7::/:/bin/false\npostgres:x:104:108:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n';
    expect(fromPasswd(passwd)).toEqual({ uid: 104, gid: 108 });
  });

  it('is undefined where the file does not list it, or lists it broken: `id` then asks', () => {
    expect(fromPasswd('root:x:0:0:root:/root:/bin/bash\n')).toBeUndefined();
    expect(fromPasswd('')).toBeUndefined();
    expect(fromPasswd('postgres:x::108::/:/bin/false\n')).toBeUndefined();
    expect(fromPasswd('postgres:x:abc:108::/:/bin/false\n')).toBeUndefined();
  });
});
