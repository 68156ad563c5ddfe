import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './cli-in-process.ts';

/**
 * What every command's help says of its options, held against what its parser does, for every
 * command `racelab --help` lists: a new command or option is covered without a line here. Each
 * probe is refused before anything starts (a value given twice, a value on a bare flag, a name
 * no command takes), so the CLI runs in this process and starts nothing.
 */

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-cli-options-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Under GitHub Actions the gate would annotate each refusal, and append it to the job's summary. */
const NOT_ON_GITHUB = { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' };

interface Listed {
  name: string;
  /** The value help says it takes; undefined for a bare flag. */
  value: string | undefined;
  /** Where its description starts. */
  column: number;
}

async function help(command: string): Promise<string> {
  const { stdout, code } = await runMain([command, '--help']);
  expect(code).toBe(0);
  return stdout;
}

/** Every option line of a help: `  --name VALUE  words`, the value in capitals, or `  --flag  words`. */
function listedOptions(text: string): Listed[] {
  return text.split('\n').flatMap((line) => {
    const match = /^ {2}--([a-z][a-z-]*)(?: ([A-Z]\S*))? +(?=\S)/.exec(line);
    return match ? [{ name: match[1]!, value: match[2], column: match[0].length }] : [];
  });
}

/** How the command's parser takes `--name`: with a value, bare, or not at all. */
async function taken(command: string, name: string): Promise<'value' | 'bare' | 'refused'> {
  const { code, stdout, stderr } = await runMain([command, `--${name}=x`, `--${name}=x`], { cwd: work, env: NOT_ON_GITHUB });
  expect(code).toBe(2);
  expect(stdout).toBe('');
  const line = stderr.trimEnd();
  expect(line.split('\n')).toHaveLength(1);
  if (line === `racelab ${command}: --${name} is given twice`) return 'value';
  if (line === `racelab ${command}: --${name} takes no value`) return 'bare';
  expect(line).toContain(`--${name}`);
  return 'refused';
}

let helps: Map<string, string>;
beforeAll(async () => {
  const { stdout } = await runMain(['--help']);
  const commands = [...stdout.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((match) => match[1]!);
  helps = new Map(await Promise.all(commands.map(async (command) => [command, await help(command)] as const)));
});

describe('every command takes exactly the options its help lists, as its help shows them', () => {
  it('reads the commands from racelab --help', () => {
    expect([...helps.keys()]).toEqual(expect.arrayContaining(['reproduce', 'explore', 'gate', 'list', 'init', 'clean']));
  });

  it('accepts each listed option (with a value when help names one, bare when not) and refuses every option of another command it does not list', async () => {
    const everyOption = new Set([...helps.values()].flatMap((text) => listedOptions(text).map((o) => o.name)));
    const mismatches: string[] = [];
    for (const [command, text] of helps) {
      const listed = new Map(listedOptions(text).map((o) => [o.name, o.value === undefined ? 'bare' : 'value']));
      for (const name of everyOption) {
        const expected = listed.get(name) ?? 'refused';
        const actual = await taken(command, name);
        if (actual !== expected) mismatches.push(`${command} --${name}: help says ${expected}, the parser ${actual}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The probes were refused before anything started.
    expect(readdirSync(work)).toEqual([]);
  });

  it('starts every description of a command in one column', () => {
    for (const [command, text] of helps) {
      const columns = new Set(listedOptions(text).map((o) => o.column));
      expect(columns.size, `${command}: description columns ${[...columns].join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it.each([
    ['reproduce', '  --scenario'],
    ['gate', '  --scenario'],
    ['list', '  --sql'],
    ['explore', '  SCENARIO'],
  ])('%s: %s says it takes a scenario file as well as a built-in name', (command, head) => {
    const line = helps.get(command)!.split('\n').find((l) => l.startsWith(`${head} `));
    expect(line).toMatch(/built-in name.*scenario files? such as \.\/signup\.race\.ts/);
  });
});

describe('a near miss of any option of any command gets "did you mean"', () => {
  it('each listed option, its last letter dropped, is suggested by name in one line, exit 2', async () => {
    const misses: string[] = [];
    for (const [command, text] of helps) {
      const names = listedOptions(text).map((o) => o.name);
      for (const name of names) {
        const typed = name.slice(0, -1);
        if (names.includes(typed)) continue;
        const { code, stderr } = await runMain([command, `--${typed}`, '4'], { cwd: work, env: NOT_ON_GITHUB });
        const expected = `racelab ${command}: unknown option --${typed} (did you mean --${name}?)\n`;
        if (code !== 2 || stderr !== expected) misses.push(`${command} --${typed}: exit ${code}, ${JSON.stringify(stderr)}`);
      }
    }
    expect(misses).toEqual([]);
    expect(existsSync(join(work, 'racelab-report'))).toBe(false);
  });

  it('--worker 4 suggests --workers', async () => {
    const { code, stderr } = await runMain(['reproduce', '--worker', '4'], { cwd: work });
    expect(stderr).toBe('racelab reproduce: unknown option --worker (did you mean --workers?)\n');
    expect(code).toBe(2);
  });
});

describe("the gate's --format", () => {
  it('is refused in one line that says why: the gate prints its checks, and writes the report in every form', async () => {
    const { code, stderr, stdout } = await runMain(['gate', '--format', 'markdown'], { cwd: work, env: NOT_ON_GITHUB });
    expect(stderr).toBe("racelab gate: --format is reproduce's: the gate prints its checks, one line each, and writes report.md and report.trac.txt beside report.json\n");
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});
