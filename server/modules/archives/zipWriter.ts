import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { ZipArchive } from 'archiver';

/**
 * A ZIP written entry after entry into a stream (`output`), never held whole in memory: each
 * entry is a stream the archive takes as it goes, and the next starts when it is done.
 */
export class ZipWriter {
  private readonly zip = new ZipArchive({ zlib: { level: 6 } });
  private rejectAll!: (error: Error) => void;
  /** Rejects once the archive (or whatever reads it) fails: every wait below races with it. */
  private readonly failure = new Promise<never>((_, reject) => (this.rejectAll = reject));

  constructor() {
    this.failure.catch(() => {});
    this.zip.on('error', (error) => this.rejectAll(error));
    this.zip.on('warning', (error) => this.rejectAll(error));
  }

  get output(): Readable {
    return this.zip;
  }

  /** Stops the archive because its reader failed. */
  fail(error: Error): void {
    this.rejectAll(error);
    this.zip.abort();
  }

  /** Adds one entry whose text `produce` writes piece by piece (waiting whenever the archive is behind). */
  async text(name: string, produce: (write: (chunk: string) => Promise<void>) => Promise<void>): Promise<void> {
    const body = new PassThrough();
    const added = this.entryAdded();
    this.zip.append(body, { name });
    await produce(async (chunk) => {
      if (!body.write(chunk)) await Promise.race([once(body, 'drain'), this.failure]);
    });
    body.end();
    await added;
  }

  /** Adds an entry from a stream (a stored file's bytes). */
  async stream(name: string, source: Readable): Promise<void> {
    const added = this.entryAdded();
    this.zip.append(source, { name });
    await added;
  }

  async finish(): Promise<void> {
    await Promise.race([this.zip.finalize(), this.failure]);
  }

  private entryAdded(): Promise<unknown> {
    return Promise.race([once(this.zip, 'entry'), this.failure]);
  }
}
