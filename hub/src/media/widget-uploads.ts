import { channelMediaId } from '@switchboard/bus';
import { attachmentKindOf, mediaRef, widgetAcceptsFileType, type Attachment } from '@switchboard/contracts';
import { mediaStore, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { cleanMimeType, safeFileName } from './file-metadata.ts';

/** One `file.upload` piece, validated against its schema. */
export interface UploadPiece {
  clientId: string;
  name: string;
  type: string;
  size: number;
  offset: number;
  data: ArrayBuffer | Uint8Array;
}

/** Who uploads: a visitor of a webchat channel. */
export interface Uploader {
  tenantId: string;
  channelId: string;
  visitorId: string;
}

export interface WidgetUploadsOptions {
  orm: Orm;
  /** The largest file a visitor may send (`MEDIA_MAX_BYTES`, at most `WIDGET_FILE_MAX_BYTES`). */
  maxBytes: number;
  /** Bytes of unfinished uploads this hub holds, all visitors together (default 256 MiB). */
  memoryBudgetBytes?: number;
  /** An unfinished upload with no new piece for this long is dropped (default 60 s). */
  idleMs?: number;
}

interface Assembly {
  id: string;
  piece: Omit<UploadPiece, 'offset' | 'data'>;
  chunks: Buffer[];
  received: number;
  timer: ReturnType<typeof setTimeout>;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * The media store id of a file a widget visitor uploaded: derived from the channel, the visitor
 * and the file's `clientId`, so a resend is one file, and a visitor naming a `clientId` can only
 * ever reach their own upload.
 */
export function visitorFileId(uploader: Pick<Uploader, 'channelId' | 'visitorId'>, fileClientId: string): string {
  return channelMediaId(uploader.channelId, `w:${uploader.visitorId}:file:${fileClientId}`);
}

/**
 * Files storefront visitors send over the widget's socket, arriving in pieces. Each socket
 * assembles at most one file at a time, in memory, and the hub as a whole at most
 * `memoryBudgetBytes` of them (a file's whole size is reserved when it starts), so many
 * visitors uploading at once meet a clear "try again" rather than exhausting the process.
 * A finished file goes to the media store in the visitor's tenant.
 */
export class WidgetUploads {
  private reserved = 0;
  private readonly budget: number;
  private readonly idleMs: number;

  constructor(private readonly options: WidgetUploadsOptions) {
    this.budget = options.memoryBudgetBytes ?? 256 * 1024 * 1024;
    this.idleMs = options.idleMs ?? 60_000;
  }

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** One visitor socket's uploads; `close()` it when the socket goes. */
  forSocket(uploader: Uploader): VisitorUploads {
    return new VisitorUploads(this, uploader);
  }

  /** Holds `bytes` of the budget, or refuses when the hub holds too much already. */
  reserve(bytes: number): void {
    if (this.reserved + bytes > this.budget) {
      throw new AppError('SB_ERR_RATE_LIMITED', { message: 'The chat is receiving many files right now; try again in a minute.', retryAfterSeconds: 60 });
    }
    this.reserved += bytes;
  }

  release(bytes: number): void {
    this.reserved = Math.max(0, this.reserved - bytes);
  }

  get orm(): Orm {
    return this.options.orm;
  }

  get idleTimeoutMs(): number {
    return this.idleMs;
  }
}

/** The uploads of one widget socket: the file being assembled, and the files it may send. */
export class VisitorUploads {
  private current: Assembly | undefined;

  constructor(private readonly uploads: WidgetUploads, private readonly uploader: Uploader) {}

  /**
   * Takes one piece. Answers the bytes arrived so far, and `done` once the file is kept (at
   * once when a file is already kept under this `clientId`: a resend after a lost ack).
   * `beforeStart` runs when a new file begins, after the piece passed every check (the rate
   * limit: refused pieces and resends of kept files do not count).
   */
  async receive(piece: UploadPiece, beforeStart: () => Promise<void> = async () => undefined): Promise<{ id: string; received: number; done: boolean }> {
    const { maxBytes } = this.uploads;
    if (piece.size > maxBytes) {
      throw new AppError('SB_ERR_PAYLOAD_TOO_LARGE', { message: `The file is larger than ${megabytes(maxBytes)}, the most this chat takes.`, issues: [{ path: '/size', message: `is larger than ${maxBytes} bytes` }] });
    }
    if (!widgetAcceptsFileType(piece.type)) {
      throw new AppError('SB_ERR_VALIDATION', { message: 'This kind of file cannot be sent here; send a photo, a PDF, a text or office document, audio or video.', issues: [{ path: '/type', message: 'is not a type this chat accepts' }] });
    }
    const id = visitorFileId(this.uploader, piece.clientId);
    const bytes = Buffer.isBuffer(piece.data) ? piece.data : Buffer.from(piece.data instanceof ArrayBuffer ? new Uint8Array(piece.data) : piece.data);
    if (piece.offset + bytes.byteLength > piece.size) {
      if (this.current?.piece.clientId === piece.clientId) this.drop();
      throw new AppError('SB_ERR_VALIDATION', { message: 'The file is longer than its stated size; nothing was kept.', issues: [{ path: '/data', message: 'runs past the stated size' }] });
    }
    let assembly = this.current?.piece.clientId === piece.clientId ? this.current : undefined;
    if (piece.offset === 0 || assembly === undefined) {
      const kept = (await mediaStore.describe(this.uploads.orm, this.uploader.tenantId, [id])).get(id);
      if (kept) return { id, received: kept.sizeBytes, done: true };
      if (piece.offset !== 0) {
        throw new AppError('SB_ERR_CONFLICT', { message: 'No upload of this file is in progress; send it again from the start.', issues: [{ path: '/offset', message: 'continues no upload in progress (start at 0)' }] });
      }
      await beforeStart();
      this.drop();
      this.uploads.reserve(piece.size);
      const { clientId, name, type, size } = piece;
      assembly = { id, piece: { clientId, name, type, size }, chunks: [], received: 0, timer: this.idleTimer() };
      this.current = assembly;
    }
    if (assembly.piece.size !== piece.size || assembly.piece.type !== piece.type || assembly.piece.name !== piece.name) {
      throw new AppError('SB_ERR_CONFLICT', { message: 'This piece belongs to another file than the one being uploaded under this clientId; send it again from the start.', issues: [{ path: '/clientId', message: 'names an upload of another file' }] });
    }
    if (piece.offset !== assembly.received) {
      throw new AppError('SB_ERR_CONFLICT', { message: `The upload went on from byte ${assembly.received}; send the piece from there.`, issues: [{ path: '/offset', message: `is not where the upload stands (${assembly.received})` }] });
    }
    assembly.chunks.push(bytes);
    assembly.received += bytes.byteLength;
    assembly.timer.refresh();
    if (assembly.received < piece.size) return { id, received: assembly.received, done: false };
    // Finished: leave the socket's slot before the database write, so a piece racing in finds no half file.
    this.drop();
    await mediaStore.put(this.uploads.orm, this.uploader.tenantId, id, {
      mimeType: cleanMimeType(piece.type), fileName: safeFileName(piece.name), bytes: Buffer.concat(assembly.chunks, piece.size),
    }, 'upload');
    return { id, received: piece.size, done: true };
  }

  /**
   * The attachments of a message naming these uploads (by their `clientId`). Each must be a file
   * this visitor uploaded and the hub kept; the hub describes it, never the visitor.
   */
  async attachments(fileClientIds: readonly string[]): Promise<Attachment[]> {
    const ids = fileClientIds.map((clientId) => visitorFileId(this.uploader, clientId));
    const kept = await mediaStore.describe(this.uploads.orm, this.uploader.tenantId, ids);
    return ids.map((id, index) => {
      const file = kept.get(id);
      if (!file) throw new AppError('SB_ERR_VALIDATION', { message: 'A file of this message was not uploaded in this chat; attach it again.', issues: [{ path: `/files/${index}`, message: 'names no file this visitor uploaded' }] });
      return { kind: attachmentKindOf(file.mimeType), mimeType: file.mimeType, url: mediaRef(file.id), sizeBytes: file.sizeBytes, ...(file.fileName ? { fileName: file.fileName } : {}) };
    });
  }

  /** Forgets the file being assembled (the socket went, or the visitor started another). */
  close(): void {
    this.drop();
  }

  private drop(): void {
    const assembly = this.current;
    if (assembly === undefined) return;
    clearTimeout(assembly.timer);
    this.uploads.release(assembly.piece.size);
    this.current = undefined;
  }

  private idleTimer(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.drop(), this.uploads.idleTimeoutMs);
    timer.unref();
    return timer;
  }
}
