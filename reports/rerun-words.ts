/**
 * How every report says where the racelab that ran comes from, how to get the same one, and how
 * to rerun the run: the terminal, report.md (and so Trac and HTML), junit.xml and explore's
 * reports all take their words from here, so they never disagree. An instruction the reader
 * cannot follow is worse than none: `npx racelab@<version>` is given only for a version a
 * registry is known to have served.
 */
import type { ScenarioFileCopy, ToolInfo } from '../harness/report-input.ts';

/** `racelab 0.1.0 from a git checkout, commit 2ce9a16…`: what ran, as the machine that ran it knows. */
export function racelabSource(tool: ToolInfo): string {
  const { name, version, source } = tool;
  switch (source.kind) {
    case 'checkout': {
      const where = source.remote === null ? 'a git checkout' : `a git checkout of ${source.remote}`;
      if (source.commit === null) return `${name} ${version} from ${where} whose commit git could not read`;
      const dirty = source.dirty ? ', with uncommitted changes to it (the commit alone may behave otherwise)' : '';
      return `${name} ${version} from ${where}, commit ${source.commit}${dirty}`;
    }
    case 'registry':
      return `${name}@${version} from the registry ${source.registry}, as its lockfile records`;
    case 'tarball':
      return `${name} ${version} installed from the tarball ${source.file} (not known to be on the npm registry)`;
    case 'installed':
      return `installed package ${name}@${version}${source.resolved === null ? '' : `, from ${source.resolved} as its lockfile records`} (not known to be on the npm registry)`;
    case 'unknown':
      return `${name} ${version} from a directory that is neither a git checkout nor an installed package (not known to be on the npm registry)`;
  }
}

/**
 * How a reader gets the same racelab, as one sentence without its full stop. `files`: the copied
 * scenario files, which import racelab, so that it must be installed where they are, not run by npx.
 */
export function getRacelab(tool: ToolInfo, files: readonly ScenarioFileCopy[] = []): string {
  const { name, version, source } = tool;
  const tarball = `${name}-${version}.tgz`;
  const install = `then, in the project to run it in, \`npm install --save-dev /path/to/${tarball}\`, and \`npx ${name} …\` there runs that copy`;
  switch (source.kind) {
    case 'checkout':
      return source.commit === null
        ? `build it from its source: \`npm ci && npm pack\` makes ${tarball}; ${install}`
        : `in a checkout of commit ${source.commit.slice(0, 12)}, \`npm ci && npm pack\` makes ${tarball}; ${install}`;
    case 'registry': {
      const registry = registryOption(source.registry);
      if (files.length > 0) return `\`npm install --save-dev${registry} ${name}@${version}\` in the report's directory, whose scenario ${files.length === 1 ? 'file imports' : 'files import'} it, and \`npx ${name} …\` there runs it`;
      return `\`npx${registry} ${name}@${version}\` runs this version without installing it (Node ≥ 20.10), or \`npm install --save-dev${registry} ${name}@${version}\``;
    }
    case 'tarball':
      return `${source.file} itself, or \`npm ci && npm pack\` in racelab's source, which makes it; ${install}`;
    case 'installed':
    case 'unknown':
      return `build it from racelab's source: \`npm ci && npm pack\` there makes ${tarball}; ${install}`;
  }
}

/** The rerun command as the reader types it: through npx with the version only when a registry has it. */
export function rerunCommand(input: { replayCommand: string; tool: ToolInfo; scenarioFiles?: readonly ScenarioFileCopy[] }): string {
  const { tool } = input;
  // A copied scenario file imports racelab: npx's own copy would not be found from it.
  if (tool.source.kind !== 'registry' || (input.scenarioFiles?.length ?? 0) > 0) return input.replayCommand;
  return input.replayCommand.replace(/^racelab /, `npx${registryOption(tool.source.registry)} ${tool.name}@${tool.version} `);
}

/** ` --registry URL` for a registry other than npm's own, which npm uses unless told otherwise. */
function registryOption(registry: string): string {
  return registry.replace(/\/$/, '') === 'https://registry.npmjs.org' ? '' : ` --registry ${registry}`;
}

/** Where the rerun command runs: the report's directory when it names copies of scenario files; undefined when anywhere will do. */
export function rerunPlace(files: readonly ScenarioFileCopy[]): string | undefined {
  if (files.length === 0) return undefined;
  return `in the report's directory, which holds a copy of the scenario ${files.length === 1 ? 'file' : 'files'} it names`;
}

/**
 * One line per copied scenario file: what was given, where its copy is, what it imports that was
 * not copied, and the packages it needs where it runs.
 */
export function scenarioFileLines(files: readonly ScenarioFileCopy[]): string[] {
  return files.map(({ given, copy, imports, packages, programFiles = [] }) => {
    const left = imports.length === 0 ? '' : `; it imports ${imports.join(', ')}, which ${imports.length === 1 ? 'was' : 'were'} not copied (only the file itself was)`;
    const runs = programFiles.length === 0 ? '' : `; its command runs ${programFiles.join(', ')}, which ${programFiles.length === 1 ? 'was' : 'were'} not copied`;
    const needs = packages.length === 0 ? '' : `; it needs ${packages.join(', ')} installed where it runs`;
    return `scenario file ${given}: its copy is ${copy} in the report's directory${left}${runs}${needs}`;
  });
}

/** The command line as given, as a shell would take it back: `racelab reproduce --scenario './my file.ts'`. */
export function commandLineWords(name: string, argv: readonly string[]): string {
  return [name, ...argv].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The terminal's closing lines about the rerun: the command, where it runs, `note` (what the seed
 * fixes, for reproduce), and where racelab comes from and how to get it.
 */
export function rerunTerminalLines(input: { tool: ToolInfo; replayCommand: string; scenarioFiles: readonly ScenarioFileCopy[] }, note?: string): string[] {
  const place = rerunPlace(input.scenarioFiles);
  return [
    `rerun:  ${rerunCommand(input)}`,
    ...(place ? [`        ${place}`] : []),
    // What a copy alone cannot run without: the files it imports, which were not copied.
    ...input.scenarioFiles.filter((f) => f.imports.length > 0).map((f) => `        ${f.copy} imports ${f.imports.join(', ')}, which ${f.imports.length === 1 ? 'was' : 'were'} not copied`),
    ...input.scenarioFiles.filter((f) => (f.programFiles ?? []).length > 0).map((f) => `        ${f.copy}'s command runs ${f.programFiles!.join(', ')}, which ${f.programFiles!.length === 1 ? 'was' : 'were'} not copied`),
    ...(note ? [`        ${note}`] : []),
    `source: ${racelabSource(input.tool)}`,
    `        to get it: ${getRacelab(input.tool, input.scenarioFiles)}`,
  ];
}

/** junit.xml's properties about racelab and the rerun, the same for reproduce, gate and explore. */
export function rerunProperties(input: {
  tool: ToolInfo;
  replayCommand: string;
  commandLine?: readonly string[];
  scenarioFiles: readonly ScenarioFileCopy[];
}): [string, string][] {
  const place = rerunPlace(input.scenarioFiles);
  return [
    ['racelab', input.tool.version],
    ['racelab-source', racelabSource(input.tool)],
    ['racelab-get', getRacelab(input.tool, input.scenarioFiles)],
    ...(input.commandLine ? [['command', commandLineWords(input.tool.name, input.commandLine)] as [string, string]] : []),
    ['rerun', rerunCommand(input)],
    ...(place ? [['rerun-in', place] as [string, string]] : []),
  ];
}

/**
 * A scenario argument (`./reserve.race.ts --db …`) as the report's directory names it: by the copy
 * of its file there, so that every replay command in a report runs where its rerun does.
 */
export function inReportDir(argument: string, files: readonly ScenarioFileCopy[]): string {
  const file = files.find((f) => argument === f.given || argument.startsWith(`${f.given} `));
  return file ? `./${file.copy}${argument.slice(file.given.length)}` : argument;
}
