// POSIX shell quoting for the commands the engine sends: every value goes through quote().

export function quote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Joins arguments into one command line, each quoted. */
export function command(...args: string[]): string {
  return args.map(quote).join(' ');
}
