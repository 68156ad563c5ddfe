/**
 * The name of a run's namespace, `racelab_<runid>`: a schema on PostgreSQL, a database on
 * MySQL/MariaDB. Identifiers are built only from names that pass this check, so they hold no quote.
 */
const RUN_NAMESPACE = /^racelab_[a-z0-9_]{1,50}$/;

/** Returns the namespace name for a run id, or throws: identifiers are never built from unchecked input. */
export function runNamespaceName(runId: string): string {
  return checkedNamespace(`racelab_${runId}`);
}

/** Whether a name is one racelab gives its run namespaces. */
export function isRunNamespaceName(name: string): boolean {
  return RUN_NAMESPACE.test(name);
}

/** The name itself, after checking it is one of ours. */
export function checkedNamespace(name: string): string {
  if (!RUN_NAMESPACE.test(name)) throw new RangeError(`not a racelab namespace name: ${JSON.stringify(name)}`);
  return name;
}
