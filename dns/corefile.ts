// Corefile parsing: server blocks `key1 key2 { directive args… { sub … } }`, `#` comments,
// quoted strings and `{$ENV}` substitution. Pure text → tree; plugin meaning lives in config.ts.
import { PodnetError } from '../api/errors.js';

export interface Directive {
  readonly name: string;
  readonly args: readonly string[];
  /** Lines of the directive's `{ … }` block, each a directive of its own. */
  readonly block: readonly Directive[];
  readonly line: number;
}

export interface ServerKey {
  /** Lowercase, fully qualified ("." or "cluster.local."). */
  readonly zone: string;
  readonly port: number;
}

export interface ServerBlock {
  readonly keys: readonly ServerKey[];
  readonly directives: readonly Directive[];
  readonly line: number;
}

interface Token {
  readonly text: string;
  readonly line: number;
  /** True for `{`/`}` that were not quoted. */
  readonly brace: boolean;
  /** First token on its line. */
  readonly newline: boolean;
}

function syntax(line: number, message: string): PodnetError {
  return new PodnetError('DNS_COREFILE_INVALID', `dns: Corefile line ${line}: ${message}`);
}

export function substituteEnv(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\{\$([A-Za-z_][A-Za-z0-9_]*)\}|\{%([A-Za-z_][A-Za-z0-9_]*)%\}/g, (_m, a, b) => env[a ?? b] ?? '');
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lastLine = 0;
  let i = 0;
  const push = (t: string, brace: boolean, at: number) => {
    tokens.push({ text: t, line: at, brace, newline: at !== lastLine });
    lastLine = at;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = line;
      let s = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        if (text[i] === '\n') line++;
        s += text[i];
        i++;
      }
      if (i >= text.length) throw syntax(start, 'unterminated quoted string');
      i++;
      push(s, false, start);
    } else {
      let s = '';
      while (i < text.length && !/[\s#"]/.test(text[i]!)) s += text[i++];
      // "{" and "}" are braces only as words of their own, so "{$VAR}" or "a{b}" stay text.
      if (s === '{' || s === '}') push(s, true, line);
      else push(s, false, line);
    }
  }
  return tokens;
}

export function parseServerKey(raw: string, line: number): ServerKey {
  let s = raw.replace(/,$/, '');
  const scheme = /^([a-z]+):\/\//i.exec(s);
  if (scheme) {
    if (scheme[1]!.toLowerCase() !== 'dns') throw syntax(line, `server key "${raw}": only dns:// is supported`);
    s = s.slice(scheme[0].length);
  }
  let port = 53;
  const m = /^(.*?):(\d+)$/.exec(s);
  if (m) {
    port = Number(m[2]);
    s = m[1]!;
    if (port > 65535) throw syntax(line, `server key "${raw}": port out of range`);
  }
  if (s === '') s = '.';
  if (!/^[A-Za-z0-9._-]+$/.test(s) && s !== '.') throw syntax(line, `server key "${raw}" is not a zone`);
  const zone = s === '.' ? '.' : `${s.toLowerCase().replace(/\.$/, '')}.`;
  return { zone, port };
}

/** Parses a Corefile into server blocks; throws DNS_COREFILE_INVALID naming the line. */
export function parseCorefile(text: string, env: Record<string, string | undefined> = process.env): ServerBlock[] {
  const tokens = tokenize(substituteEnv(text, env));
  let p = 0;
  const blocks: ServerBlock[] = [];

  // Lines inside `{ … }` until the matching `}`; each line is name + args (+ optional block).
  const parseBody = (openLine: number): Directive[] => {
    const out: Directive[] = [];
    for (;;) {
      const t = tokens[p];
      if (!t) throw syntax(openLine, 'missing closing "}"');
      if (t.brace && t.text === '}') {
        p++;
        return out;
      }
      if (t.brace) throw syntax(t.line, 'unexpected "{"');
      p++;
      const args: string[] = [];
      let block: Directive[] = [];
      while (p < tokens.length) {
        const a = tokens[p]!;
        if (a.newline || (a.brace && a.text === '}')) break;
        if (a.brace && a.text === '{') {
          p++;
          block = parseBody(a.line);
          break;
        }
        args.push(a.text);
        p++;
      }
      out.push({ name: t.text.toLowerCase(), args, block, line: t.line });
    }
  };

  while (p < tokens.length) {
    const first = tokens[p]!;
    const keys: ServerKey[] = [];
    while (p < tokens.length && !(tokens[p]!.brace && tokens[p]!.text === '{')) {
      const t = tokens[p]!;
      if (t.brace) throw syntax(t.line, 'unexpected "}"');
      for (const part of t.text.split(',').filter((x) => x !== '')) keys.push(parseServerKey(part, t.line));
      p++;
    }
    if (p >= tokens.length) throw syntax(first.line, `server block "${first.text}" has no "{"`);
    const open = tokens[p++]!;
    if (keys.length === 0) throw syntax(open.line, 'server block without a zone');
    blocks.push({ keys, directives: parseBody(open.line), line: first.line });
  }
  return blocks;
}
