/**
 * What is known about each statement shape (its fingerprint, its template), least recently used
 * dropped first. A statement finds its shape by `ShapeScan.hash` without building a key string;
 * `ShapeScan.sameShape` confirms every match, so a hash collision costs a comparison, never a
 * wrong template.
 */
import type { Dialect } from '../model/dialect.js';
import type { ShapeScan } from './fingerprint.js';

export class ShapeEntry<T> {
  /** The next older and newer entries (least recently used first). */
  older: ShapeEntry<T> | null = null;
  newer: ShapeEntry<T> | null = null;
  /** The next entry with the same hash. */
  nextInBucket: ShapeEntry<T> | null = null;

  readonly hash: number;
  readonly dialect: Dialect;
  /** What `ShapeScan.sameShape` compares. */
  readonly headers: Int32Array;
  readonly shapeText: string;

  constructor(
    scan: ShapeScan,
    readonly fingerprint: string,
    readonly template: T,
  ) {
    this.hash = scan.hash;
    this.dialect = scan.dialect;
    this.headers = scan.shapeHeaders();
    this.shapeText = detached(scan.shapeText());
  }
}

/**
 * A copy of `text` that does not keep alive the larger string it may be a slice of (a log chunk,
 * say): cache entries outlive the statements they were made from. (The V8 idiom for it.)
 */
function detached(text: string): string {
  return (' ' + text).slice(1);
}

/** Shapes and what is kept for each: `T`, a template (or null where statements need their own). */
export class ShapeCache<T> {
  private readonly buckets = new Map<number, ShapeEntry<T>>();
  private oldest: ShapeEntry<T> | null = null;
  private newest: ShapeEntry<T> | null = null;
  private size = 0;

  constructor(private readonly capacity: number) {}

  /** The entry of the statement's shape, marked as recently used; undefined when there is none. */
  find(scan: ShapeScan): ShapeEntry<T> | undefined {
    for (let entry = this.buckets.get(scan.hash) ?? null; entry !== null; entry = entry.nextInBucket) {
      if (!scan.sameShape(entry.dialect, entry.headers, entry.shapeText)) continue;
      if (entry !== this.newest) {
        this.unlink(entry);
        this.append(entry);
      }
      return entry;
    }
    return undefined;
  }

  /** Records the statement's shape (not found before); drops the least recently used beyond capacity. */
  add(scan: ShapeScan, fingerprint: string, template: T): ShapeEntry<T> {
    const entry = new ShapeEntry(scan, detached(fingerprint), template);
    entry.nextInBucket = this.buckets.get(entry.hash) ?? null;
    this.buckets.set(entry.hash, entry);
    this.append(entry);
    if (++this.size > this.capacity) this.evict(this.oldest!);
    return entry;
  }

  private evict(entry: ShapeEntry<T>): void {
    this.unlink(entry);
    this.size--;
    const head = this.buckets.get(entry.hash)!;
    if (head === entry) {
      if (entry.nextInBucket === null) this.buckets.delete(entry.hash);
      else this.buckets.set(entry.hash, entry.nextInBucket);
      return;
    }
    let prev = head;
    while (prev.nextInBucket !== entry) prev = prev.nextInBucket!;
    prev.nextInBucket = entry.nextInBucket;
  }

  private append(entry: ShapeEntry<T>): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest !== null) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: ShapeEntry<T>): void {
    if (entry.older !== null) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer !== null) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }
}
