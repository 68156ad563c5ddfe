import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'vitest';

const schema = JSON.parse(readFileSync(new URL('../reports/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);

/**
 * Reads the report.json a run wrote, failing the test unless it is valid against the schema.
 * Typed loosely: the schema check is what guarantees its shape here.
 */
export function readReport(dir: string): any {
  const report = JSON.parse(readFileSync(join(dir, 'latest', 'report.json'), 'utf8'));
  const valid = validate(report);
  expect(validate.errors ?? [], 'report.json must match reports/report.schema.json').toEqual([]);
  expect(valid).toBe(true);
  return report;
}
