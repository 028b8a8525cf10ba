import type { SessionTokens } from './session-tokens';

/** A failed export, with the server's own reason when it gave one (e.g. the rate limit). */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/**
 * Fetches the data export zip (GET /api/v1/export.zip: the JSON export, the photo and every file
 * the user uploaded) with the session's token, refreshing it once after a 401, and saves it
 * under the name the server gives.
 */
export async function downloadExport(tokens: SessionTokens): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const token = attempt === 0 ? await tokens.accessToken() : (await tokens.refresh())?.accessToken;
    if (!token) throw new ExportError('Log in again to download your data.');
    const response = await fetch('/api/v1/export.zip', {
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => null);
    if (!response) throw new ExportError('Your data could not be downloaded: are you online?');
    if (response.status === 401 && attempt === 0) continue;
    if (!response.ok) throw new ExportError(await reasonOf(response));
    const blob = await response.blob().catch(() => {
      throw new ExportError('The download was cut off; try again.');
    });
    save(blob, fileNameOf(response) ?? 'pigeon-export.zip');
    return;
  }
}

async function reasonOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message = body?.error?.message;
  return typeof message === 'string' ? message : 'Your data could not be downloaded; try again.';
}

/** The plain `filename="…"` of Content-Disposition (the server makes it ASCII). */
function fileNameOf(response: Response): string | null {
  const match = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  return match?.[1] ?? null;
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // Revoked after the click has handed the blob to the browser's download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
