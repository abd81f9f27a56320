/**
 * Expected failures the user can fix (bad flag, bad config, missing or unreadable input).
 * The CLI prints the message alone — no stack trace — and exits 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
