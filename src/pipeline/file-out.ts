/**
 * A file written through one reused buffer: strings are encoded straight into it and it is written out when full or
 * flushed. Writing each string (writeSync(fd, string)) allocated a Buffer per write and a joined string per batch:
 * with the JSON it encodes, staging was ~30% of a worker's time. The workers' staged rows (JSON), their term
 * candidates (binary) and ranked terms (CSV) all go through one of these.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export class FileOut {
  buf = Buffer.allocUnsafe(1 << 20);
  /** Bytes buffered, not yet written (a caller that reserved room may write into buf[used…] itself). */
  used = 0;
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }
  /** Room for `n` more bytes (flushing, or growing for more than the buffer holds). */
  reserve(n: number): void {
    if (this.used + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }
  /** Appends `s` as UTF-8 (a lone surrogate becomes U+FFFD); returns its length in bytes. */
  put(s: string): number {
    // At most 3 bytes per UTF-16 code unit.
    this.reserve(3 * s.length);
    const n = this.buf.write(s, this.used);
    this.used += n;
    return n;
  }
  /** An int32, little-endian; needs 4 bytes reserved. */
  i32(v: number): void {
    this.buf.writeInt32LE(v, this.used);
    this.used += 4;
  }
  /** Overwrites the int32 at `at` bytes before the end of what is buffered. */
  i32Back(at: number, v: number): void {
    this.buf.writeInt32LE(v, this.used - at);
  }
  /** A string as its UTF-8 byte length (uint32), then its bytes; needs 4 + 3·length reserved. */
  str(s: string): void {
    const n = this.buf.write(s, this.used + 4);
    this.buf.writeUInt32LE(n, this.used);
    this.used += 4 + n;
  }
  flush(): void {
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
