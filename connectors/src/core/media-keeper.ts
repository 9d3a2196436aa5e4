import { channelMediaId } from '@switchboard/bus';
import { mediaIdOf, mediaRef } from '@switchboard/contracts';
import { mediaStore, type MediaFile, type Orm } from '@switchboard/db';

/**
 * Where a connector keeps the files customers send, so the console can show them after the
 * channel has forgotten them. `source` names the file on its channel (a message id and the
 * attachment's place in it); the same source is kept once, so a replayed message costs no second
 * download.
 */
export interface MediaKeeper {
  /** Files larger than this are not kept (their message still lists them). */
  readonly maxBytes: number;
  /** The attachment `url` of a file kept from `source` before, if any. */
  find(source: string): Promise<string | undefined>;
  /** Keeps a file and answers its attachment `url` (`media:<id>`). */
  keep(source: string, file: MediaFile): Promise<string>;
  /** The file behind an attachment `url` of the media store (an agent's upload to send), if the tenant has it. */
  read(url: string): Promise<MediaFile | undefined>;
}

/** A keeper that stores a channel's files in the tenant's `media_objects`. */
export function postgresMediaKeeper(orm: Orm, tenantId: string, channelId: string, maxBytes: number): MediaKeeper {
  const idOf = (source: string) => channelMediaId(channelId, source);
  return {
    maxBytes,
    async find(source) {
      const id = idOf(source);
      return (await mediaStore.has(orm, tenantId, id)) ? mediaRef(id) : undefined;
    },
    async keep(source, file) {
      const id = idOf(source);
      await mediaStore.put(orm, tenantId, id, file);
      return mediaRef(id);
    },
    async read(url) {
      const id = mediaIdOf(url);
      return id === undefined ? undefined : mediaStore.get(orm, tenantId, id);
    },
  };
}
