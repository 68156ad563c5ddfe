import { registerLeftover } from './emergency.ts';

/**
 * The run namespaces a `Database` created and has not dropped yet. On a server racelab started,
 * they go with the server. On the user's own server they are dropped by `dropAll()` at stop, so an
 * error between create and drop leaves nothing behind, and until then an exit at once names them.
 */
export class OpenNamespaces {
  private readonly open = new Map<string, () => void>();

  /**
   * @param kind what a namespace is on this database: `schema`, `database`
   * @param server where they live, as it may be printed; undefined for a server racelab started
   */
  constructor(
    private readonly kind: string,
    private readonly server: string | undefined,
  ) {}

  opened(name: string): void {
    this.open.set(name, this.server === undefined ? () => undefined : registerLeftover(`${this.kind} ${name} on ${this.server}`));
  }

  dropped(name: string): void {
    this.open.get(name)?.();
    this.open.delete(name);
  }

  /** Drops, with `drop`, those still open on the user's server; an error names the statement to drop one by hand. */
  async dropAll(drop: (name: string) => Promise<void>, byHand: (name: string) => string): Promise<void> {
    if (this.server === undefined) return;
    for (const name of [...this.open.keys()]) {
      await drop(name).catch((error: Error) => {
        throw new Error(`could not drop ${this.kind} ${name} (${error.message}); drop it by hand: ${byHand(name)}`);
      });
    }
  }
}
