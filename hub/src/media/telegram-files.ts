import { AppError } from '@switchboard/errors';

/**
 * Downloads a file a customer sent a Telegram bot: `getFile` for its path, then
 * `/file/bot<token>/<path>`. Neither URL may reach a log or an error message (both carry the
 * bot token), so failures are reported by status only.
 */
export async function downloadTelegramFile(apiRoot: string, token: string, fileId: string, maxBytes: number, timeoutMs = 30_000): Promise<Buffer> {
  const fetchQuietly = async (url: string, init: RequestInit = {}) => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new AppError('SB_ERR_DEPENDENCY_DOWN', {
        message: 'Telegram\'s Bot API could not be reached for this file; try again later.',
        cause: new Error(error instanceof Error ? error.name : 'fetch failed'),
      });
    }
  };
  const gone = () => new AppError('SB_ERR_NOT_FOUND', { message: 'Telegram no longer has this file, or it is larger than the Bot API serves (20 MB).' });

  const described = await fetchQuietly(`${apiRoot}/bot${token}/getFile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ file_id: fileId }),
  });
  const body = await described.json().catch(() => undefined) as { ok?: boolean; result?: { file_path?: unknown; file_size?: unknown } } | undefined;
  if (described.status >= 400 && described.status < 500) throw gone();
  const path = body?.ok === true ? body.result?.file_path : undefined;
  if (!described.ok || typeof path !== 'string') {
    throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `Telegram's Bot API answered ${described.status} to getFile; try again later.` });
  }
  if (typeof body?.result?.file_size === 'number' && body.result.file_size > maxBytes) throw tooLarge(maxBytes);

  const download = await fetchQuietly(`${apiRoot}/file/bot${token}/${path.split('/').map(encodeURIComponent).join('/')}`);
  if (download.status >= 400 && download.status < 500) throw gone();
  if (!download.ok || !download.body) throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `Telegram answered ${download.status} to a file download; try again later.` });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of download.body) {
    size += (chunk as Uint8Array).byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('SB_ERR_NOT_FOUND', { message: `This file is larger than the ${Math.floor(maxBytes / 1024 / 1024)} MB Switchboard keeps (MEDIA_MAX_BYTES).` });
}
