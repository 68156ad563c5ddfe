/**
 * What the gate adds under GitHub Actions, in-process on a fixture decision: the summary is
 * appended to the file GITHUB_STEP_SUMMARY names, annotations appear only with
 * GITHUB_ACTIONS=true, and a summary that cannot be written costs one line, never an exception.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findingOf, inputOf, integrityErrorSample } from '../test/report-fixtures.ts';
import { renderGithubSummary } from '../reports/github-summary.ts';
import { InfrastructureError, UsageError } from '../run/errors.ts';
import { commandFailure } from './command-failure.ts';
import { publishFailureToGithubActions, publishToGithubActions } from './github-actions.ts';

const work = mkdtempSync(join(tmpdir(), 'racelab-github-actions-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const failed = inputOf({ points: [{ findings: [findingOf({ name: 'signup', expect: 'safe', outcomes: { integrity_error: 3 }, windows: 40, samples: [integrityErrorSample()] })] }] });

function capture() {
  const out = { stdout: '', errors: [] as string[] };
  return { out, io: { stdout: (text: string) => (out.stdout += text), error: (line: string) => out.errors.push(line) } };
}

describe('publishToGithubActions', () => {
  it("appends the summary after what the job's earlier steps wrote", async () => {
    const file = join(work, 'appended.md');
    writeFileSync(file, '### an earlier step\nits own words');
    const { out, io } = capture();
    await publishToGithubActions(failed, '/tmp/out/run', io, { GITHUB_STEP_SUMMARY: file });
    expect(readFileSync(file, 'utf8')).toBe(`### an earlier step\nits own words${renderGithubSummary(failed, '/tmp/out/run')}`);
    expect(out).toEqual({ stdout: '', errors: [] });
  });

  it('prints ::error lines only under GitHub Actions', async () => {
    const local = capture();
    await publishToGithubActions(failed, undefined, local.io, { CI: 'true' });
    expect(local.out).toEqual({ stdout: '', errors: [] });
    const actions = capture();
    await publishToGithubActions(failed, undefined, actions.io, { GITHUB_ACTIONS: 'true' });
    expect(actions.out.stdout).toMatch(/^::error title=racelab gate FAIL%3A signup::FAIL signup: expected safe, but 3 violations in 200 ops .*\n$/);
  });

  it('says in one line that the summary was not written, and why, when its directory is missing', async () => {
    const file = join(work, 'no-such-directory', 'summary.md');
    const { out, io } = capture();
    await expect(publishToGithubActions(failed, undefined, io, { GITHUB_STEP_SUMMARY: file, GITHUB_ACTIONS: 'true' })).resolves.toBeUndefined();
    expect(out.errors).toEqual([`racelab gate: the job summary was not written to GITHUB_STEP_SUMMARY (${file}): ENOENT: no such file or directory, open '${file}'`]);
    // The annotations do not depend on the summary.
    expect(out.stdout).toMatch(/^::error /);
  });
});

describe('publishFailureToGithubActions: a gate that threw before it had a decision', () => {
  it('annotates and summarises the line and exit code main() ends with', async () => {
    const file = join(work, 'failure.md');
    writeFileSync(file, 'earlier\n');
    const failure = commandFailure('gate', new InfrastructureError('database: could not connect to postgres://h:1/db: ECONNREFUSED\nmore'), false);
    const { out, io } = capture();
    await publishFailureToGithubActions(failure, io, { GITHUB_STEP_SUMMARY: file, GITHUB_ACTIONS: 'true' });
    expect(out.stdout).toBe('::error title=racelab gate%3A could not run (exit 3)::racelab gate: database: could not connect to postgres://h:1/db: ECONNREFUSED\n');
    expect(readFileSync(file, 'utf8')).toBe(
      ['earlier', '', '## racelab gate: could not run (exit 3)', '', 'No check was decided.', '', '```text', 'racelab gate: database: could not connect to postgres://h:1/db: ECONNREFUSED', '```', ''].join('\n'),
    );
  });

  it('names each way a command can end without a decision, with the code main() returns', () => {
    expect(commandFailure('gate', new UsageError('--alpha must be a number from 0 to 0.5, got "7"'), false)).toEqual({ kind: 'usage', line: 'racelab gate: --alpha must be a number from 0 to 0.5, got "7"', code: 2 });
    expect(commandFailure('gate', new InfrastructureError('interrupted'), true)).toMatchObject({ kind: 'interrupted', code: 130 });
    const internal = commandFailure('gate', new TypeError('x is undefined'), false);
    expect(internal).toMatchObject({ kind: 'internal', code: 3 });
    expect(internal.line).toMatch(/^racelab gate: internal error: TypeError: x is undefined\n {4}at /);
  });
});
