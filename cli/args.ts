// A small, strict argv parser: `--flag value`, `--flag=value`, `-f value`, repeated flags, booleans,
// and `--` to end options. Unknown flags are errors (with a hint), like kubectl.

export interface FlagSpec {
  readonly type: 'string' | 'boolean' | 'number' | 'strings';
  readonly short?: string;
  readonly default?: string | boolean | number | readonly string[];
  readonly help: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface Parsed {
  readonly flags: Record<string, string | boolean | number | string[] | undefined>;
  readonly positional: string[];
  /** Everything after `--`. */
  readonly rest: string[];
}

export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` / `-h` among a command's flags: carries the options text; the dispatcher prints it. */
export class HelpRequested extends Error {
  readonly code = 'HELP';
  constructor(readonly options: string) {
    super(options);
    this.name = 'HelpRequested';
  }
}

export function parseArgs(argv: readonly string[], specs: FlagSpecs): Parsed {
  const flags: Parsed['flags'] = {};
  for (const [name, spec] of Object.entries(specs)) {
    flags[name] = Array.isArray(spec.default) ? [...(spec.default as string[])] : (spec.default as string | boolean | number | undefined);
  }
  const byShort = new Map(Object.entries(specs).filter(([, s]) => s.short).map(([n, s]) => [s.short!, n]));
  const positional: string[] = [];
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    if ((arg === '--help' && !specs.help) || (arg === '-h' && !byShort.has('h'))) throw new HelpRequested(formatOptions(specs));
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const short = arg.slice(1, 2);
      const long = byShort.get(short);
      if (!long) throw new UsageError(`unknown shorthand flag: '${short}' in ${arg}`);
      name = long;
      inline = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : undefined;
    }
    const spec = specs[name];
    if (!spec && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      flags[name.slice(3)] = false;
      continue;
    }
    if (!spec) throw new UsageError(`unknown flag: --${name}`);
    if (spec.type === 'boolean') {
      flags[name] = inline === undefined ? true : !/^(false|0|no)$/i.test(inline);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
    if (spec.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`invalid argument "${value}" for --${name}: not a number`);
      flags[name] = n;
    } else if (spec.type === 'strings') {
      const list = (flags[name] as string[] | undefined) ?? [];
      list.push(value);
      flags[name] = list;
    } else {
      flags[name] = value;
    }
  }
  return { flags, positional, rest };
}

export function formatOptions(specs: FlagSpecs): string {
  const lines = ['Options:'];
  for (const [name, spec] of Object.entries(specs)) {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const arg = spec.type === 'boolean' ? '' : spec.type === 'number' ? ' N' : ' VALUE';
    const def = spec.default !== undefined && spec.default !== false && !(Array.isArray(spec.default) && spec.default.length === 0) ? ` (default ${JSON.stringify(spec.default)})` : '';
    lines.push(`  ${short}--${name}${arg}`.padEnd(34) + spec.help + def);
  }
  return lines.join('\n');
}
