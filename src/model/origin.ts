/** Where a statement or record came from. Lines and columns are 1-based physical positions. */
export interface Origin {
  /** Path as the user gave it (relative where possible); `<stdin>` for standard input. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /**
   * Session key: the MySQL thread id, PostgreSQL session id or pid, a Django/Rails process or
   * request. `null` for SQL files, where the whole file is one session.
   */
  readonly session: string | null;
  /** Timestamp as the log printed it, when the log has one. */
  readonly time?: string;
}

export function formatOrigin(origin: Origin): string {
  return `${origin.file}:${origin.line}:${origin.column}`;
}
