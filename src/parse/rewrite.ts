/**
 * Piece-level rewrites that let node-sql-parser accept what MySQL accepts (design §7): the
 * locking tail is cut off and recorded here, index hints, statement modifiers, `PARTITION (...)`
 * and `RETURNING` are dropped (none of them changes which rows are touched), `<=>` becomes `=`.
 */
import type { Dialect } from '../model/dialect.js';
import type { LockClause, LockStrength } from '../model/statement.js';
import type { Piece } from './fingerprint.js';
import type { Token } from './tokenize.js';

const STRENGTH_ORDER: Record<LockStrength, number> = { none: 0, 'key-share': 1, share: 2, 'no-key-update': 3, update: 4 };

export const NO_LOCK: LockClause = Object.freeze({ strength: 'none', wait: 'block' });

export function isWord(piece: Piece | undefined, word: string): boolean {
  return piece !== undefined && piece.kind === 'word' && piece.text === word;
}

export function isOp(piece: Piece | undefined, op: string): boolean {
  return piece !== undefined && piece.kind === 'op' && piece.text === op;
}

/** Lower-case unless quoted in PostgreSQL (whose quoted names are case-sensitive). */
export function identifierName(piece: Piece, dialect: Dialect): string | null {
  if (piece.kind === 'word') return piece.text;
  if (piece.kind === 'qident') return dialect === 'postgresql' ? piece.text : piece.text.toLowerCase();
  return null;
}

/** Reads `a`, `s.a`, `"s"."a"` at `index`: the last part and the index after the name. */
export function readQualifiedName(pieces: readonly Piece[], index: number, dialect: Dialect): { name: string; next: number } | null {
  const piece = pieces[index];
  if (piece === undefined) return null;
  let name = identifierName(piece, dialect);
  if (name === null) return null;
  let next = index + 1;
  while (isOp(pieces[next], '.') && pieces[next + 1] !== undefined) {
    const part = identifierName(pieces[next + 1]!, dialect);
    if (part === null) break;
    name = part;
    next += 2;
  }
  return { name, next };
}

/**
 * Finds a locking tail at nesting depth 0 (`FOR UPDATE [OF t] [NOWAIT|SKIP LOCKED]`, `FOR SHARE`,
 * `FOR NO KEY UPDATE`, `FOR KEY SHARE`, `LOCK IN SHARE MODE`, repeated) that runs to the end.
 * Returns where it starts and what it asks for, or null when there is none or it is not understood.
 */
export function findLockTail(pieces: readonly Piece[], dialect: Dialect): { start: number; lock: LockClause } | null {
  let depth = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.kind === 'op') {
      if (piece.text === '(') depth++;
      else if (piece.text === ')') depth--;
      continue;
    }
    if (depth !== 0) continue;
    const startsTail =
      (isWord(piece, 'for') && (isWord(pieces[i + 1], 'update') || isWord(pieces[i + 1], 'share') || isWord(pieces[i + 1], 'no') || isWord(pieces[i + 1], 'key'))) ||
      (isWord(piece, 'lock') && isWord(pieces[i + 1], 'in'));
    if (!startsTail) continue;
    const lock = parseLockTail(pieces, i, dialect);
    return lock === null ? null : { start: i, lock };
  }
  return null;
}

function parseLockTail(pieces: readonly Piece[], start: number, dialect: Dialect): LockClause | null {
  let strongest: LockClause | null = null;
  const allOf: string[] = [];
  let everyClauseHasOf = true;
  let i = start;
  while (i < pieces.length) {
    let strength: LockStrength;
    if (isWord(pieces[i], 'lock') && isWord(pieces[i + 1], 'in') && isWord(pieces[i + 2], 'share') && isWord(pieces[i + 3], 'mode')) {
      strength = 'share';
      i += 4;
    } else if (isWord(pieces[i], 'for') && isWord(pieces[i + 1], 'update')) {
      strength = 'update';
      i += 2;
    } else if (isWord(pieces[i], 'for') && isWord(pieces[i + 1], 'share')) {
      strength = 'share';
      i += 2;
    } else if (isWord(pieces[i], 'for') && isWord(pieces[i + 1], 'no') && isWord(pieces[i + 2], 'key') && isWord(pieces[i + 3], 'update')) {
      strength = 'no-key-update';
      i += 4;
    } else if (isWord(pieces[i], 'for') && isWord(pieces[i + 1], 'key') && isWord(pieces[i + 2], 'share')) {
      strength = 'key-share';
      i += 3;
    } else {
      return null;
    }
    const of: string[] = [];
    if (isWord(pieces[i], 'of')) {
      i++;
      for (;;) {
        const name = readQualifiedName(pieces, i, dialect);
        if (name === null) return null;
        of.push(name.name);
        i = name.next;
        if (!isOp(pieces[i], ',')) break;
        i++;
      }
    }
    let wait: LockClause['wait'] = 'block';
    if (isWord(pieces[i], 'nowait')) {
      wait = 'nowait';
      i++;
    } else if (isWord(pieces[i], 'skip') && isWord(pieces[i + 1], 'locked')) {
      wait = 'skip-locked';
      i += 2;
    } else if (isWord(pieces[i], 'wait') && pieces[i + 1]?.kind === 'slot') {
      i += 2; // MariaDB `WAIT n`: still waits, only for a while
    }
    if (of.length === 0) everyClauseHasOf = false;
    allOf.push(...of);
    if (strongest === null || STRENGTH_ORDER[strength] > STRENGTH_ORDER[strongest.strength]) strongest = { strength, wait };
  }
  if (strongest === null) return null;
  return everyClauseHasOf && allOf.length > 0 ? { ...strongest, of: [...new Set(allOf)] } : strongest;
}

const MODIFIERS: Record<string, ReadonlySet<string>> = {
  select: new Set(['sql_calc_found_rows', 'sql_no_cache', 'sql_cache', 'high_priority', 'straight_join', 'sql_small_result', 'sql_big_result', 'sql_buffer_result']),
  insert: new Set(['low_priority', 'delayed', 'high_priority']),
  replace: new Set(['low_priority', 'delayed']),
  update: new Set(['low_priority']),
  delete: new Set(['low_priority', 'quick']),
};

export interface NodeSqlParserRewrite {
  readonly pieces: Piece[];
  /** The lock clause cut from the tail (SELECT only; `NO_LOCK` when there was none). */
  readonly lock: LockClause;
}

/** Applies the MySQL-family rewrites to a DML statement's pieces. */
export function rewriteForNodeSqlParser(pieces: readonly Piece[], dialect: Dialect): NodeSqlParserRewrite {
  let out = pieces.slice();
  let lock = NO_LOCK;
  const tail = findLockTail(out, dialect);
  if (tail !== null) {
    out = out.slice(0, tail.start);
    lock = tail.lock;
  }
  const kept: Piece[] = [];
  const first = out[0]?.kind === 'word' ? (out[0] as Token).text : '';
  const modifiers = MODIFIERS[first];
  let depth = 0;
  for (let i = 0; i < out.length; i++) {
    const piece = out[i]!;
    if (piece.kind === 'op') {
      if (piece.text === '(') depth++;
      else if (piece.text === ')') depth--;
    }
    // Statement modifiers right after the leading keyword.
    if (modifiers !== undefined && piece.kind === 'word' && modifiers.has(piece.text) && kept.length > 0 && kept.every((p) => p.kind === 'word')) continue;
    // FORCE / USE / IGNORE INDEX|KEY [FOR JOIN|ORDER BY|GROUP BY] (...)
    if (piece.kind === 'word' && (piece.text === 'force' || piece.text === 'use' || piece.text === 'ignore') && (isWord(out[i + 1], 'index') || isWord(out[i + 1], 'key'))) {
      let j = i + 2;
      if (isWord(out[j], 'for')) j += isWord(out[j + 1], 'join') ? 2 : 3;
      const close = isOp(out[j], '(') ? matchingParen(out, j) : -1;
      if (close > 0) {
        i = close;
        continue;
      }
    }
    // PARTITION (p0, p1) after a table name.
    if (isWord(piece, 'partition') && isOp(out[i + 1], '(') && kept.length > 0 && (kept[kept.length - 1]!.kind === 'word' || kept[kept.length - 1]!.kind === 'qident')) {
      const close = matchingParen(out, i + 1);
      if (close > 0) {
        i = close;
        continue;
      }
    }
    // MySQL 8 `INSERT ... VALUES (...) AS new [(cols)] ON DUPLICATE KEY UPDATE`: drop the row alias.
    if (depth === 0 && (first === 'insert' || first === 'replace') && isWord(piece, 'as') && insertRowAliasFollows(out, i)) {
      i += isOp(out[i + 2], '(') ? matchingParen(out, i + 2) - i : 1;
      continue;
    }
    // RETURNING ... (MariaDB) at the top level: ignored by the model anyway.
    if (depth === 0 && isWord(piece, 'returning') && first !== 'select') break;
    if (piece.kind === 'op' && piece.text === '<=>') {
      kept.push({ ...piece, text: '=' });
      continue;
    }
    kept.push(piece);
  }
  return { pieces: kept, lock };
}

function insertRowAliasFollows(pieces: readonly Piece[], asIndex: number): boolean {
  const alias = pieces[asIndex + 1];
  if (alias === undefined || (alias.kind !== 'word' && alias.kind !== 'qident')) return false;
  let next = asIndex + 2;
  if (isOp(pieces[next], '(')) next = matchingParen(pieces, next) + 1;
  return isWord(pieces[next], 'on') && isWord(pieces[next + 1], 'duplicate');
}

function matchingParen(pieces: readonly Piece[], open: number): number {
  let depth = 0;
  for (let i = open; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.kind !== 'op') continue;
    if (piece.text === '(') depth++;
    else if (piece.text === ')' && --depth === 0) return i;
  }
  return -1;
}
