/**
 * report.trac.txt: report.md in Trac wiki syntax, for Django's tracker (and any other Trac).
 * The same words: it is rendered from report.md, never written twice.
 */
import type { ReportInput } from '../harness/report-input.ts';
import { renderMarkdown } from './markdown.ts';
import { markdownToTrac } from './markdown-to-trac.ts';

export function renderTrac(input: ReportInput): string {
  return markdownToTrac(renderMarkdown(input));
}
