/**
 * Streaming line source for logs: never holds a whole file, reads `.gz` transparently (by magic
 * bytes, not by name), and hands lines out in batches so a per-line parser pays no promise per line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface LineBatch {
  /** 1-based number of `lines[0]`. */
  readonly firstLine: number;
  readonly lines: readonly string[];
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
}

/** Opens a file as a stream of decompressed bytes, plus how many raw bytes were read (for progress). */
export async function openByteStream(path: string): Promise<{ stream: Readable; rawBytesRead: () => number }> {
  const head = await readRawHead(path, 2);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const rawBytesRead = (): number => raw.bytesRead;
  return { stream: isGzip(head) ? raw.pipe(createGunzip()) : raw, rawBytesRead };
}

async function readRawHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The first `maxBytes` of a file, decompressed when gzip. A truncated gzip head is fine: we
 * decompress what we can.
 */
export async function readHead(path: string, maxBytes = 64 * 1024): Promise<Buffer> {
  const head = await readRawHead(path, maxBytes);
  if (!isGzip(head)) return head;
  try {
    return gunzipSync(head, { finishFlush: 2 /* Z_SYNC_FLUSH: tolerate a cut stream */ }).subarray(0, maxBytes);
  } catch {
    return Buffer.alloc(0);
  }
}

/** True when the bytes look binary (a NUL byte), which no text log or SQL file contains. */
export function looksBinary(head: Uint8Array): boolean {
  return head.subarray(0, 8192).includes(0);
}

/**
 * Splits a byte stream into lines (LF or CRLF; a final line without LF is kept), decoded as
 * UTF-8 (invalid bytes become U+FFFD rather than failing the file).
 */
export async function* readLineBatches(stream: AsyncIterable<Buffer | string>): AsyncGenerator<LineBatch> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let nextLine = 1;
  for await (const chunk of stream) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    if (lines.length === 0) continue;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
    }
    yield { firstLine: nextLine, lines };
    nextLine += lines.length;
  }
  carry += decoder.decode();
  if (carry.length > 0) {
    yield { firstLine: nextLine, lines: [carry.endsWith('\r') ? carry.slice(0, -1) : carry] };
  }
}
