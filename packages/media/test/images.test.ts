import { decode, isBlurhashValid } from 'blurhash';
import exifReader from 'exif-reader';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageRejectedError, MAX_IMAGE_PIXELS, prepareAvatar, prepareImage } from '../src';
import { pngClaiming, write } from './fixtures';

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>PigeonXmpSecret</dc:creator></rdf:Description>
</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pigeon-media-images-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A width×height image, red on the left half and blue on the right. */
function halves(width: number, height: number): Sharp {
  const red = { r: 255, g: 0, b: 0 };
  return sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 255 } } }).composite([
    {
      input: { create: { width: width / 2, height, channels: 3, background: red } },
      left: 0,
      top: 0,
    },
  ]);
}

async function pixel(data: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data: raw, info } = await sharp(data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * 3;
  return [raw[at] ?? -1, raw[at + 1] ?? -1, raw[at + 2] ?? -1];
}

function isReddish([r, g, b]: [number, number, number]) {
  return r > 200 && g < 60 && b < 60;
}
function isBluish([r, g, b]: [number, number, number]) {
  return b > 200 && r < 60 && g < 60;
}

describe('prepareImage', () => {
  it('applies EXIF orientation, strips EXIF and GPS, and reports the upright size', async () => {
    // Stored 400×200 (red left, blue right), EXIF says "rotate 90° clockwise to display".
    const jpeg = await sharp(await halves(400, 200).png().toBuffer())
      .jpeg()
      .withExif({
        IFD0: { Make: 'PigeonCam', Copyright: 'someone' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 51/1 24/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 21/1 3/1',
        },
      })
      .withMetadata({ orientation: 6 })
      .withXmp(XMP)
      .toBuffer();
    const input = await sharp(jpeg).metadata();
    expect(input.xmp?.toString()).toContain('PigeonXmpSecret');
    // The fixture really carries what must go.
    expect(input.orientation).toBe(6);
    const inputExif = exifReader(input.exif ?? Buffer.alloc(0));
    expect(inputExif.GPSInfo?.GPSLatitudeRef).toBe('N');

    const result = await prepareImage(await write(file('photo.jpg'), jpeg));
    expect(result.original.contentType).toBe('image/jpeg');
    expect([result.width, result.height]).toEqual([200, 400]);

    const output = await sharp(result.original.data).metadata();
    expect(output.format).toBe('jpeg');
    expect([output.width, output.height]).toEqual([200, 400]);
    expect(output.exif).toBeUndefined();
    expect(output.xmp).toBeUndefined();
    expect(output.icc).toBeUndefined();
    expect(output.iptc).toBeUndefined();
    expect(output.orientation).toBeUndefined();
    expect(result.original.data.includes(Buffer.from('PigeonCam'))).toBe(false);
    expect(result.original.data.includes(Buffer.from('PigeonXmpSecret'))).toBe(false);
    // Rotated clockwise: the red left half is now on top.
    expect(isReddish(await pixel(result.original.data, 100, 20))).toBe(true);
    expect(isBluish(await pixel(result.original.data, 100, 380))).toBe(true);

    const preview = await sharp(result.preview.data).metadata();
    expect(preview.format).toBe('webp');
    expect([preview.width, preview.height]).toEqual([200, 400]);
    expect(preview.exif).toBeUndefined();
    expect(isReddish(await pixel(result.preview.data, 100, 20))).toBe(true);
  });

  it('makes a webp preview at most 1024 px on the long side and a blurhash that decodes', async () => {
    const png = await halves(3000, 1500).png().toBuffer();
    const result = await prepareImage(await write(file('wide.png'), png));
    expect([result.width, result.height]).toEqual([3000, 1500]);
    expect(result.original.contentType).toBe('image/png');
    expect(result.preview.contentType).toBe('image/webp');
    const preview = await sharp(result.preview.data).metadata();
    expect([preview.format, preview.width, preview.height]).toEqual(['webp', 1024, 512]);

    expect(isBlurhashValid(result.blurhash).result).toBe(true);
    const pixels = decode(result.blurhash, 32, 16);
    expect(pixels.length).toBe(32 * 16 * 4);
    // Left of the placeholder is red, right is blue, like the picture.
    expect(pixels[(8 * 32 + 2) * 4]).toBeGreaterThan(pixels[(8 * 32 + 2) * 4 + 2] ?? 255);
    expect(pixels[(8 * 32 + 29) * 4 + 2]).toBeGreaterThan(pixels[(8 * 32 + 29) * 4] ?? 255);
  });

  it('keeps a small image at its size and webp as webp', async () => {
    const webp = await halves(64, 32).webp().toBuffer();
    const result = await prepareImage(await write(file('small.webp'), webp));
    expect(result.original.contentType).toBe('image/webp');
    const preview = await sharp(result.preview.data).metadata();
    expect([preview.width, preview.height]).toEqual([64, 32]);
  });

  it('keeps the animation of a GIF in the original and shows its first frame in the preview', async () => {
    const frame = (colour: string) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } })
      .gif()
      .toBuffer();
    const result = await prepareImage(await write(file('anim.gif'), gif));
    expect(result.original.contentType).toBe('image/gif');
    expect([result.width, result.height]).toEqual([40, 30]);
    const original = await sharp(result.original.data, { animated: true }).metadata();
    expect(original.pages).toBe(2);
    const preview = await sharp(result.preview.data, { animated: true }).metadata();
    expect(preview.pages ?? 1).toBe(1);
    expect(isReddish(await pixel(result.preview.data, 5, 5))).toBe(true);
  });

  it('rejects a decompression bomb before decoding it', async () => {
    const bomb = await pngClaiming(20_000, 20_000);
    expect(bomb.length).toBeLessThan(200);
    expect(20_000 * 20_000).toBeGreaterThan(MAX_IMAGE_PIXELS);
    const error = await prepareImage(await write(file('bomb.png'), bomb)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageRejectedError);
    await expect(prepareAvatar(file('bomb.png'))).rejects.toThrow(ImageRejectedError);
  });

  it('rejects what is not a supported image', async () => {
    await expect(prepareImage(await write(file('text.png'), 'just text'))).rejects.toThrow(
      ImageRejectedError,
    );
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>';
    await expect(prepareImage(await write(file('x.svg'), svg))).rejects.toThrow(ImageRejectedError);
    const tiff = await halves(10, 10).tiff().toBuffer();
    await expect(prepareImage(await write(file('x.tiff'), tiff))).rejects.toThrow(ImageRejectedError);
    const truncated = (await halves(200, 200).jpeg().toBuffer()).subarray(0, 300);
    await expect(prepareImage(await write(file('cut.jpg'), truncated))).rejects.toThrow(ImageRejectedError);
  });
});

describe('prepareAvatar', () => {
  it('crops the centred square by default and makes a 512×512 webp without metadata', async () => {
    const jpeg = await halves(800, 400)
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
      .toBuffer();
    const avatar = await prepareAvatar(await write(file('face.jpg'), jpeg));
    expect(avatar.contentType).toBe('image/webp');
    const meta = await sharp(avatar.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 512, 512]);
    expect(meta.exif).toBeUndefined();
    // The centre square of red|blue is half red, half blue.
    expect(isReddish(await pixel(avatar.data, 50, 256))).toBe(true);
    expect(isBluish(await pixel(avatar.data, 460, 256))).toBe(true);
  });

  it('uses the given crop, in upright coordinates, and refuses one outside the image', async () => {
    const png = await halves(800, 400).png().toBuffer();
    const source = await write(file('face.png'), png);
    const blue = await prepareAvatar(source, { x: 450, y: 0, size: 300 });
    expect(isBluish(await pixel(blue.data, 256, 256))).toBe(true);
    const red = await prepareAvatar(source, { x: 0, y: 100, size: 300 });
    expect(isReddish(await pixel(red.data, 256, 256))).toBe(true);
    await expect(prepareAvatar(source, { x: 600, y: 0, size: 300 })).rejects.toThrow(ImageRejectedError);
    await expect(prepareAvatar(source, { x: -1, y: 0, size: 10 })).rejects.toThrow(ImageRejectedError);
    await expect(prepareAvatar(source, { x: 0, y: 0, size: 0 })).rejects.toThrow(ImageRejectedError);
    await expect(prepareAvatar(source, { x: 0.5, y: 0, size: 10 })).rejects.toThrow(ImageRejectedError);
  });
});
