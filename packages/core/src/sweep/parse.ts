import { LineCounter, parseDocument } from 'yaml';
import { SweepSpecError } from '../errors.js';
import { sweepSpecSchema } from './spec.js';
import type { SweepSpec } from './spec.js';

/** `search.space.lr.max` — the notation every spec error uses to point into the file. */
export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('') ||
    '(root)'
  );
}

/** Validates an already-parsed spec object; every problem is reported, each with its path. */
export function parseSweepSpec(
  input: unknown,
  source = 'spec',
  lineOf?: (path: readonly PropertyKey[]) => number | undefined,
): SweepSpec {
  const result = sweepSpecSchema.safeParse(input);
  if (result.success) return result.data as SweepSpec;
  throw new SweepSpecError(
    source,
    result.error.issues.map((issue) => {
      const line = lineOf?.(issue.path);
      return {
        path: formatPath(issue.path),
        message: issue.message,
        ...(line !== undefined ? { line } : {}),
      };
    }),
  );
}

/** Longest spec text accepted: far more than any real spec, small enough to parse without worry. */
export const SPEC_TEXT_MAX_CHARS = 256 * 1024;

/**
 * Aliases a spec may use. YAML aliases expand on conversion, so nine anchors of nine aliases each make
 * 9^9 values (the "billion laughs"); a real spec needs a handful.
 */
export const SPEC_MAX_ALIASES = 50;

/**
 * Parses spec text (YAML, or JSON which is YAML) and validates it; errors carry the path and, where the
 * value exists in the file, its line number. Every failure is a SweepSpecError, hostile text included
 * (alias bombs, aliases of unknown anchors, nesting deeper than the parser recurses, oversized text).
 */
export function parseSweepSpecText(text: string, source = 'spec'): SweepSpec {
  if (text.length > SPEC_TEXT_MAX_CHARS) {
    throw new SweepSpecError(source, [
      { path: '(text)', message: `must be at most ${SPEC_TEXT_MAX_CHARS} characters` },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SweepSpecError(
      source,
      doc.errors.map((e) => ({
        path: '(syntax)',
        message: e.message.split('\n')[0] ?? e.message,
        line: lineCounter.linePos(e.pos[0]).line,
      })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: SPEC_MAX_ALIASES });
  } catch (e) {
    // yaml throws plain errors (ReferenceError) for alias bombs and unresolved aliases.
    const message = e instanceof Error ? e.message : String(e);
    throw new SweepSpecError(source, [
      {
        path: '(syntax)',
        message: /excessive alias count/i.test(message)
          ? `too many aliases (at most ${SPEC_MAX_ALIASES})`
          : message.split('\n')[0]!,
      },
    ]);
  }
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    // The deepest part of the path that exists in the file (a missing key points at its parent).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as
        { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return parseSweepSpec(value, source, lineOf);
}
