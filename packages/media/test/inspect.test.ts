import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectFile, isInlineSafe } from '../src';
import { windowsExecutable, write, zipWithOneFile } from './fixtures';

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pigeon-media-inspect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inspectFile', () => {
  it('recognises a PNG from its bytes, whatever its name', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const result = await inspectFile(await write(file('report.pdf'), png));
    expect(result).toEqual({ contentType: 'image/png', kind: 'image' });
    expect(isInlineSafe(result.contentType)).toBe(true);
  });

  it('calls valid UTF-8 without NULs plain text', async () => {
    const result = await inspectFile(await write(file('notes'), 'Grüße aus Köln 🐦\nzweite Zeile\n'));
    expect(result).toEqual({ contentType: 'text/plain; charset=utf-8', kind: 'file' });
    expect(isInlineSafe(result.contentType)).toBe(true);
  });

  it('never calls HTML, SVG or XML plain text, an image, or inline-safe', async () => {
    const html = await inspectFile(
      await write(file('cat.png'), '\n  <!DOCTYPE html><script>alert(1)</script>'),
    );
    expect(html).toEqual({ contentType: 'text/html', kind: 'file' });
    const svg = await inspectFile(
      await write(
        file('logo.png'),
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      ),
    );
    expect(svg.kind).toBe('file');
    expect(svg.contentType).toBe('image/svg+xml');
    const xml = await inspectFile(await write(file('data.txt'), '<?xml version="1.0"?><a/>'));
    expect(xml.kind).toBe('file');
    for (const type of [html.contentType, svg.contentType, xml.contentType])
      expect(isInlineSafe(type)).toBe(false);
  });

  it('sees through a renamed executable and a renamed archive', async () => {
    const exe = await inspectFile(await write(file('holiday.jpg'), windowsExecutable()));
    expect(exe.contentType).toBe('application/x-msdownload');
    expect(exe.kind).toBe('file');
    const zip = await inspectFile(
      await write(file('song.mp3'), zipWithOneFile('a.txt', Buffer.from('hello'))),
    );
    expect(zip).toEqual({ contentType: 'application/zip', kind: 'file' });
    const gz = await inspectFile(await write(file('page.html'), gzipSync('hello')));
    expect(gz.contentType).toBe('application/gzip');
    for (const type of [exe.contentType, zip.contentType, gz.contentType])
      expect(isInlineSafe(type)).toBe(false);
  });

  it('calls unknown binary, invalid UTF-8 and NUL-containing text application/octet-stream', async () => {
    const octet = { contentType: 'application/octet-stream', kind: 'file' };
    expect(
      await inspectFile(await write(file('a'), Buffer.from([0x01, 0x02, 0x00, 0x7f, 0x80, 0x99]))),
    ).toEqual(octet);
    expect(await inspectFile(await write(file('b'), Buffer.from('caf\xe9', 'latin1')))).toEqual(octet);
    expect(await inspectFile(await write(file('c'), 'text\0with a nul'))).toEqual(octet);
  });
});

describe('isInlineSafe', () => {
  it('allows raster images, text, pdf, common audio and video, and nothing else', () => {
    for (const type of [
      'image/jpeg',
      'image/webp',
      'text/plain; charset=utf-8',
      'application/pdf',
      'video/mp4',
      'audio/mpeg',
    ]) {
      expect(isInlineSafe(type)).toBe(true);
    }
    for (const type of [
      'image/svg+xml',
      'text/html',
      'application/xml',
      'text/javascript',
      'application/octet-stream',
      'image/tiff',
      '',
    ]) {
      expect(isInlineSafe(type)).toBe(false);
    }
  });
});
