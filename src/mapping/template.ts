/**
 * `{{path}}` templates. Only placeholders holding a source path: there is no expression language, so a mapping
 * file can never run code.
 */
import { parsePath, type PathSegment } from './paths.ts';

export type TemplatePart = { text: string } | { path: string; segments: PathSegment[] };

/** Splits a template into text and placeholders; `bad` lists placeholders that are not paths. */
export function parseTemplate(template: string): { parts: TemplatePart[]; bad: string[] } {
  const parts: TemplatePart[] = [];
  const bad: string[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    if (match.index > last) parts.push({ text: template.slice(last, match.index) });
    const path = match[1] ?? '';
    const segments = parsePath(path);
    if (segments === null) bad.push(path);
    else parts.push({ path, segments });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return { parts, bad };
}
