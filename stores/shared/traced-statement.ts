import { toErrorRecord } from '../../harness/error-record.ts';
import type { StoreOptions } from '../../harness/contract/store.ts';

/**
 * Waits for a statement already sent and tells `onStatement` how it ended: the rows it returned or
 * changed, or the error it threw, which is thrown on. A store calls it only when somebody traces
 * (`racelab list --sql`): the per-op path sends without it.
 */
export async function traced<R>(
  onStatement: NonNullable<StoreOptions['onStatement']>,
  primitive: string,
  text: string,
  values: readonly unknown[],
  sent: Promise<R>,
  rowCount: (result: R) => number,
): Promise<R> {
  try {
    const result = await sent;
    onStatement({ primitive, text, values, rowCount: rowCount(result) });
    return result;
  } catch (error) {
    onStatement({ primitive, text, values, error: toErrorRecord(error) });
    throw error;
  }
}
