/**
 * What reports show of a command scenario, in-process on fixture values: its first violation
 * carries its program's own account (Django's traceback), which report.md (and so report.trac.txt)
 * shows whole and the terminal by its end; its keys are its program's values, named whole.
 */
import { expect, it } from 'vitest';
import { errorLines } from './evidence-lines.ts';
import { keyLabel } from './interleaving.ts';
import { findingOf, integrityErrorSample, reportInput } from '../test/report-fixtures.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3/dist-packages/django/db/backends/utils.py", line 84, in _execute',
  '    return self.cursor.execute(sql, params)',
  'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "django_session_pkey"',
  '',
  'The above exception was the direct cause of the following exception:',
  '',
  'Traceback (most recent call last):',
  '  File "/usr/lib/python3/dist-packages/django/contrib/sessions/backends/db.py", line 87, in save',
  '    obj.save(force_insert=must_create, force_update=not must_create, using=using)',
  'django.db.utils.IntegrityError: duplicate key value violates unique constraint "django_session_pkey"',
  '',
  'During handling of the above exception, another exception occurred:',
  '',
  'Traceback (most recent call last):',
  '  File "sessions_race.py", line 41, in main',
  '    session.save(must_create=True)',
  '  File "/usr/lib/python3/dist-packages/django/contrib/sessions/backends/db.py", line 90, in save',
  '    raise CreateError',
  'django.contrib.sessions.backends.base.CreateError',
].join('\n');

const withTraceback = () => {
  const sample = integrityErrorSample();
  sample.error = { ...sample.error, raisedAs: 'CreateError', traceback: `${TRACEBACK}\n` };
  return reportInput([findingOf({ name: 'django-save', expect: 'unsafe', outcomes: { integrity_error: 1 }, windows: 4, samples: [sample] })]);
};

it("report.md shows the program's traceback whole, after the database's error", () => {
  const markdown = renderMarkdown(withTraceback());
  const at = markdown.indexOf("What the program raised, in its own words:");
  expect(at).toBeGreaterThan(markdown.indexOf('SQLSTATE: 23505'));
  expect(markdown.slice(at)).toContain(['```text', ...TRACEBACK.split('\n'), '```'].join('\n'));
});

it('the terminal shows its last lines, and says where the rest is', () => {
  const terminal = renderTerminal(withTraceback(), 'out/report.json', 120);
  expect(terminal).toContain("the program's own account, its last 8 of 20 lines (report.md has it whole):");
  expect(terminal).toContain('    django.contrib.sessions.backends.base.CreateError');
  expect(terminal).not.toContain('psycopg2.errors.UniqueViolation');
});

it('an op scenario, with no traceback, shows neither', () => {
  const input = reportInput([findingOf({ name: 'naive-save', expect: 'unsafe', outcomes: { integrity_error: 1 }, windows: 4, samples: [integrityErrorSample()] })]);
  expect(renderMarkdown(input)).not.toContain('in its own words');
  expect(renderTerminal(input, 'out/report.json', 120)).not.toContain("the program's own account");
});

it("names a command scenario's key as its program did, with no short name beside it", () => {
  const key = 'racelab0000000000000000000000001';
  expect(keyLabel(key, key)).toBe(key);
  // An op scenario's key keeps its short name, after the scenario's value when it has one.
  expect(keyLabel(key)).toBe('k1');
  expect(keyLabel(key, 'SPRING-0001')).toBe('SPRING-0001 (k1)');
});

it("names a command scenario's key once in the evidence", () => {
  const key = 'racelab0000000000000000000000001';
  const sample = { ...integrityErrorSample(), scenario: 'django-save', key, keyValue: key };
  expect(errorLines(sample)).toContain(`  key: ${key}`);
  expect(errorLines(sample).join('\n')).not.toContain("racelab's");
});

it("keeps a traceback that quotes a code fence inside report.md's block", () => {
  const sample = integrityErrorSample();
  sample.error = { ...sample.error, traceback: 'Traceback (most recent call last):\n  ValueError: ```not a fence```' };
  const markdown = renderMarkdown(reportInput([findingOf({ name: 'quoting', expect: 'unsafe', outcomes: { integrity_error: 1 }, windows: 4, samples: [sample] })]));
  expect(markdown).toContain('````text\nTraceback (most recent call last):\n  ValueError: ```not a fence```\n````');
});
