import type { AckOf, WidgetUploadResult } from '@switchboard/contracts';
import { WIDGET_FILE_MAX_BYTES, WIDGET_FILES_PER_MESSAGE, WIDGET_UPLOAD_CHUNK_BYTES, widgetAcceptsFileType } from '@switchboard/contracts';
import { formatBytes } from './file-size.ts';
import { randomId } from './visitor-store.ts';

/** One `file.upload` piece as the session sends it. */
export interface UploadPiece {
  clientId: string;
  name: string;
  type: string;
  size: number;
  offset: number;
  data: ArrayBuffer;
}

/** A file the visitor picked for their next message, as the composer shows it. */
export interface OutgoingFile {
  readonly clientId: string;
  readonly name: string;
  readonly size: number;
  state: 'uploading' | 'ready' | 'failed';
  /** Bytes the hub has confirmed. */
  received: number;
  /** Why it failed, in words for the visitor. */
  error?: string;
}

interface Upload extends OutgoingFile {
  readonly file: File;
  /** Bumped by a retry or removal, so a stale upload loop stops. */
  run: number;
}

/** Restarts from the first byte after the hub lost a half-sent file (a reconnect), at most this often. */
const restartsAllowed = 2;

/**
 * The files attached to the message being written. Each uploads as soon as it is picked, in
 * `file.upload` pieces, each sent after the last one's ack (progress is what the hub confirmed);
 * the message can go once all are uploaded. A file the widget would refuse anyway (too large, a
 * type the chat does not take, one too many) is never sent, and the refusal says why.
 */
export class OutgoingFiles {
  private readonly uploads: Upload[] = [];

  constructor(
    private readonly sendPiece: (piece: UploadPiece) => Promise<AckOf<WidgetUploadResult>>,
    private readonly changed: () => void,
  ) {}

  /** Takes the picked files; answers why any were refused (one line), or undefined. */
  add(files: readonly File[]): string | undefined {
    const refusals: string[] = [];
    for (const file of files) {
      if (this.uploads.length >= WIDGET_FILES_PER_MESSAGE) {
        refusals.push(`You can send up to ${WIDGET_FILES_PER_MESSAGE} files at a time.`);
        break;
      }
      const name = file.name.slice(0, 255) || 'file';
      if (!widgetAcceptsFileType(file.type)) refusals.push(`“${name}” can't be sent here: send a photo, a PDF or other document, audio or video.`);
      else if (file.size > WIDGET_FILE_MAX_BYTES) refusals.push(`“${name}” is larger than ${formatBytes(WIDGET_FILE_MAX_BYTES)}, the most you can send.`);
      else if (file.size === 0) refusals.push(`“${name}” is empty.`);
      else {
        const upload: Upload = { clientId: randomId(24), name, size: file.size, file, state: 'uploading', received: 0, run: 0 };
        this.uploads.push(upload);
        void this.upload(upload);
      }
    }
    this.changed();
    return refusals.length > 0 ? refusals.join(' ') : undefined;
  }

  remove(clientId: string): void {
    const index = this.uploads.findIndex((upload) => upload.clientId === clientId);
    const [removed] = index >= 0 ? this.uploads.splice(index, 1) : [];
    if (removed) removed.run += 1;
    this.changed();
  }

  retry(clientId: string): void {
    const upload = this.uploads.find((candidate) => candidate.clientId === clientId);
    if (upload?.state !== 'failed') return;
    void this.upload(upload);
  }

  list(): readonly OutgoingFile[] {
    return this.uploads;
  }

  /** True while any file is still on its way: the message waits for it. */
  get busy(): boolean {
    return this.uploads.some((upload) => upload.state === 'uploading');
  }

  /** The uploaded files, handed to a message and cleared from the composer. */
  take(): Array<{ clientId: string; name: string }> {
    const ready = this.uploads.filter((upload) => upload.state === 'ready').map(({ clientId, name }) => ({ clientId, name }));
    for (const upload of this.uploads.splice(0)) upload.run += 1;
    this.changed();
    return ready;
  }

  private async upload(upload: Upload): Promise<void> {
    upload.run += 1;
    const run = upload.run;
    upload.state = 'uploading';
    upload.received = 0;
    delete upload.error;
    this.changed();
    let restarts = 0;
    let offset = 0;
    try {
      for (;;) {
        const data = await upload.file.slice(offset, offset + WIDGET_UPLOAD_CHUNK_BYTES).arrayBuffer();
        const answer = await this.sendPiece({ clientId: upload.clientId, name: upload.name, type: upload.file.type.toLowerCase(), size: upload.size, offset, data });
        if (upload.run !== run) return;
        if ('error' in answer) {
          // The hub forgot a half-sent file (the connection dropped): start it again.
          if (answer.error.code === 'SB_ERR_CONFLICT' && restarts < restartsAllowed) {
            restarts += 1;
            offset = 0;
            continue;
          }
          return this.fail(upload, answer.error.message);
        }
        upload.received = answer.data.received;
        if (answer.data.done) {
          upload.state = 'ready';
          return this.changed();
        }
        offset = answer.data.received;
        this.changed();
      }
    } catch {
      if (upload.run === run) this.fail(upload, 'The upload was interrupted.');
    }
  }

  private fail(upload: Upload, error: string): void {
    upload.state = 'failed';
    upload.error = error;
    this.changed();
  }
}
