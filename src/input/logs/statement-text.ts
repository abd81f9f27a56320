/** Statement text cut out of a log record, as the rest of the pipeline wants it. */

/**
 * The text from `from` with no surrounding whitespace and no trailing `;` (the MySQL slow log
 * appends one to every statement; a client may send one too).
 */
export function cleanStatement(text: string, from = 0): string {
  let end = text.length;
  for (;;) {
    while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
    if (end > 0 && text.charCodeAt(end - 1) === 59 /* ; */) {
      end--;
      continue;
    }
    break;
  }
  let start = from;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Space, tab, line feed, carriage return. */
function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
