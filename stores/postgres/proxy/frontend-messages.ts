/**
 * The fields of a client's messages the proxy reads to name a statement (PostgreSQL docs,
 * "Message Formats"). Each takes a typed message's body.
 */

function cString(body: Buffer, from: number): { text: string; next: number } {
  const end = body.indexOf(0, from);
  const stop = end < 0 ? body.length : end;
  return { text: body.toString('utf8', from, stop), next: stop + 1 };
}

/** Query ('Q'): the SQL text, which may hold several statements separated by semicolons. */
export function readQueryText(body: Buffer): string {
  return cString(body, 0).text;
}

/** Parse ('P'): the prepared statement's name ('' the unnamed one) and its SQL text. */
export function readParse(body: Buffer): { name: string; text: string } {
  const name = cString(body, 0);
  return { name: name.text, text: cString(body, name.next).text };
}

/** Bind ('B'): the portal's name and the prepared statement it binds. */
export function readBindStatementName(body: Buffer): string {
  const portal = cString(body, 0);
  return cString(body, portal.next).text;
}

/** Close ('C'): the prepared statement it closes, or undefined when it closes a portal. */
export function readClosedStatementName(body: Buffer): string | undefined {
  return body[0] === 0x53 /* S */ ? cString(body, 1).text : undefined;
}
