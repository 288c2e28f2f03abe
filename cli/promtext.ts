// A strict reader of the Prometheus text exposition format (0.0.4), for tests that scrape
// podnet's endpoints: every line must be a HELP/TYPE comment or a well-formed sample, a metric's
// TYPE appears once and before its samples, and values are numbers.
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+(-?\\d+))?$`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses an exposition; throws SyntaxError naming the line for anything malformed. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  const seenSamples = new Set<string>();
  text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}: "${line}"`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // other comments are allowed
      if (!new RegExp(`^${NAME}$`).test(m[2]!)) throw new SyntaxError(`bad metric name in ${where}`);
      if (m[1] === 'TYPE') {
        if (!TYPES.has(m[3] ?? '')) throw new SyntaxError(`unknown type in ${where}`);
        if (typed.has(m[2]!)) throw new SyntaxError(`second TYPE for ${m[2]} in ${where}`);
        if (seenSamples.has(m[2]!)) throw new SyntaxError(`TYPE after samples of ${m[2]} in ${where}`);
        typed.set(m[2]!, m[3]!);
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new SyntaxError(`not a sample: ${where}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      let consumed = 0;
      for (let lm = LABEL.exec(m[2]); lm; lm = LABEL.exec(m[2])) {
        labels[lm[1]!] = lm[2]!;
        consumed = LABEL.lastIndex;
      }
      if (consumed !== m[2].length) throw new SyntaxError(`bad labels in ${where}`);
    }
    const raw = m[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new SyntaxError(`bad value in ${where}`);
    seenSamples.add(m[1]!.replace(/_(bucket|sum|count|total|created)$/, ''));
    seenSamples.add(m[1]!);
    samples.push({ name: m[1]!, labels, value });
  });
  return samples;
}
