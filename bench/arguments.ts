/** A bench's `--name N` from its command line, a whole number of at least 1; else `fallback`. Exits 2 on anything else. */
export function wholeArgument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at < 0 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number of at least 1`);
    process.exit(2);
  }
  return value;
}
