import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.ts';

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://racer:s3cret@db.example:5432/app')).toBe('postgres://racer:***@db.example:5432/app');
  });

  it('leaves a URL without a password alone', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/test')).toBe('postgres://postgres@127.0.0.1:5432/test');
  });

  it('hides the password of a string it cannot parse', () => {
    expect(redactUrl('postgres://racer:p@ss:word@[bad/db')).not.toContain('p@ss');
  });
});
