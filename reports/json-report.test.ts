import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The written interfaces of report.json (json-report.ts) and of explore's report.json
 * (explore-json-report.ts) against their JSON schemas: at every object level the same property
 * names, optional exactly where the schema does not require them, and `T | null` exactly where the
 * schema allows null. The renderers are type-checked against the interfaces, and every report the
 * tests write is validated against the schemas: with this, the three cannot drift apart.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPORT_TYPES = join(ROOT, 'reports/json-report.ts');
const EXPLORE_TYPES = join(ROOT, 'reports/explore-json-report.ts');

type Schema = { [key: string]: any };

const schemaOf = (name: string): Schema => JSON.parse(readFileSync(join(ROOT, 'reports', name), 'utf8'));

/** One Program over the two files, with the repo's compiler options. */
function loadProgram(): { checker: ts.TypeChecker; exported: (file: string, name: string) => ts.Type } {
  const configFile = join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configFile);
  const program = ts.createProgram([REPORT_TYPES, EXPLORE_TYPES], options);
  const checker = program.getTypeChecker();
  const exported = (file: string, name: string) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    const symbol = checker.getExportsOfModule(module).find((s) => s.name === name);
    if (!symbol) throw new Error(`${file} exports no ${name}`);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };
  return { checker, exported };
}

/** Resolves `$ref`s within the root schema (`#/definitions/…`, `#/properties/…`). */
function resolve(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops > 20 || !current.$ref.startsWith('#/')) throw new Error(`cannot resolve ${current.$ref}`);
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((node: Schema, key: string) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], root);
  }
  return current;
}

/** The schema's alternatives without null, and whether it allows null. */
function alternatives(schema: Schema, root: Schema): { nullable: boolean; options: Schema[] } {
  const resolved = resolve(schema, root);
  const union = resolved.oneOf ?? resolved.anyOf;
  if (union) {
    const parts = (union as Schema[]).map((part) => alternatives(part, root));
    return { nullable: parts.some((p) => p.nullable), options: parts.flatMap((p) => p.options) };
  }
  const types: string[] = Array.isArray(resolved.type) ? resolved.type : resolved.type === undefined ? [] : [resolved.type];
  const nullable = types.includes('null') || resolved.const === null || (Array.isArray(resolved.enum) && resolved.enum.includes(null));
  const onlyNull = types.length > 0 && types.every((t) => t === 'null');
  return { nullable, options: onlyNull ? [] : [resolved] };
}

const isArraySchema = (schema: Schema) => schema.type === 'array' || (Array.isArray(schema.type) && schema.type.includes('array')) || schema.items !== undefined;

/**
 * Every difference between a written type and a schema, as `path: what`. Descends through
 * properties, array items, `$ref`s and unions with null; stops at schema objects without
 * `properties` (records, opaque objects) and at TypeScript types that are no objects.
 */
export function mismatches(checker: ts.TypeChecker, type: ts.Type, schema: Schema, root: Schema = schema): string[] {
  const found: string[] = [];
  const isNull = (t: ts.Type) => (t.flags & ts.TypeFlags.Null) !== 0;
  const members = (t: ts.Type) => (t.isUnion() ? t.types : [t]);
  const isObject = (t: ts.Type) => (t.flags & ts.TypeFlags.Object) !== 0 || (t.isIntersection() && t.types.every((m) => (m.flags & ts.TypeFlags.Object) !== 0));

  const compareValue = (t: ts.Type, s: Schema, path: string) => {
    const { nullable, options } = alternatives(s, root);
    const tsNullable = members(t).some(isNull);
    if (nullable && !tsNullable) found.push(`${path}: nullable in the schema, not in the interface`);
    if (!nullable && tsNullable) found.push(`${path}: nullable in the interface, not in the schema`);
    const nonNull = checker.getNonNullableType(t);
    const objects = options.filter((o) => o.properties !== undefined);
    const arrays = options.filter(isArraySchema);
    if (arrays.length > 0) {
      const tsArrays = members(nonNull).filter((m) => checker.isArrayType(m) || checker.isTupleType(m));
      if (tsArrays.length === 0) {
        found.push(`${path}: an array in the schema, not in the interface`);
        return;
      }
      for (const array of arrays) {
        if (array.items === undefined || Array.isArray(array.items)) continue;
        for (const tsArray of tsArrays) {
          const element = checker.getTypeArguments(tsArray as ts.TypeReference)[0];
          if (element) compareValue(element, array.items, `${path}[]`);
        }
      }
      return;
    }
    if (objects.length === 0) return;
    const tsObjects = members(nonNull).filter(isObject);
    if (tsObjects.length === 0) return;
    if (objects.length === 1 && tsObjects.length === 1) {
      compareObject(tsObjects[0]!, objects[0]!, path);
      return;
    }
    // A union of objects on both sides: pair them by a property the schema fixes with `const` (`kind`).
    for (const object of objects) {
      const tag = Object.entries(object.properties as Schema).find(([, p]) => (p as Schema).const !== undefined);
      if (!tag) {
        found.push(`${path}: an alternative without a const property to pair it by`);
        continue;
      }
      const [name, { const: value }] = tag as [string, Schema];
      const match = tsObjects.find((m) => {
        const property = m.getProperty(name);
        const valueType = property && checker.getTypeOfSymbol(property);
        return valueType !== undefined && valueType.isLiteral() && valueType.value === value;
      });
      if (match) compareObject(match, object, `${path}(${name}: ${JSON.stringify(value)})`);
      else found.push(`${path}(${name}: ${JSON.stringify(value)}): in the schema, not in the interface`);
    }
    if (tsObjects.length > objects.length) found.push(`${path}: ${tsObjects.length} alternatives in the interface, ${objects.length} in the schema`);
  };

  const compareObject = (t: ts.Type, s: Schema, path: string) => {
    const required = new Set<string>(s.required ?? []);
    const schemaNames = Object.keys(s.properties as Schema);
    const tsProperties = new Map(checker.getPropertiesOfType(t).map((p) => [p.name, p]));
    const at = (name: string) => (path === '' ? name : `${path}.${name}`);
    for (const name of schemaNames) if (!tsProperties.has(name)) found.push(`${at(name)}: in the schema, not in the interface`);
    for (const name of tsProperties.keys()) if (!schemaNames.includes(name)) found.push(`${at(name)}: in the interface, not in the schema`);
    for (const name of required) if (!schemaNames.includes(name)) found.push(`${at(name)}: required by the schema, which does not describe it`);
    for (const name of schemaNames) {
      const property = tsProperties.get(name);
      if (!property) continue;
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      if (optional && required.has(name)) found.push(`${at(name)}: optional in the interface, required in the schema`);
      if (!optional && !required.has(name)) found.push(`${at(name)}: required in the interface, optional in the schema`);
      compareValue(checker.getTypeOfSymbol(property), s.properties[name], at(name));
    }
  };

  compareValue(type, schema, '');
  return found;
}

const { checker, exported } = loadProgram();

describe('the written report types, against their JSON schemas', () => {
  it('JsonReport is reports/report.schema.json', () => {
    expect(mismatches(checker, exported(REPORT_TYPES, 'JsonReport'), schemaOf('report.schema.json'))).toEqual([]);
  });

  it('ExploreJsonReport is reports/explore-report.schema.json', () => {
    expect(mismatches(checker, exported(EXPLORE_TYPES, 'ExploreJsonReport'), schemaOf('explore-report.schema.json'))).toEqual([]);
  });

  it('reports what differs: a property gone, one no longer required, one no longer nullable', () => {
    const schema = schemaOf('report.schema.json');
    const check = schema.definitions.check;
    delete check.properties.reason;
    check.required = check.required.filter((name: string) => name !== 'reason');
    const scenario = schema.definitions.scenario;
    scenario.required = scenario.required.filter((name: string) => name !== 'brokenBy');
    scenario.properties.releasedAt.type = 'string';
    expect(mismatches(checker, exported(REPORT_TYPES, 'JsonReport'), schema).sort()).toEqual([
      'result.checks[].reason: in the interface, not in the schema',
      'scenarios[].brokenBy: required in the interface, optional in the schema',
      'scenarios[].check.reason: in the interface, not in the schema',
      'scenarios[].releasedAt: nullable in the interface, not in the schema',
    ]);
  });
});
