import { decode } from 'blurhash';
import { useEffect, useRef } from 'react';

/** Decoded this small and stretched by CSS: a blur looks the same, at a fraction of the work. */
const SIZE = 32;

/** The image's placeholder (its blurhash), filling its box until the image itself has loaded. */
export function BlurhashCanvas({ hash, className = '' }: { hash: string; className?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    try {
      const pixels = decode(hash, SIZE, SIZE);
      const image = context.createImageData(SIZE, SIZE);
      image.data.set(pixels);
      context.putImageData(image, 0, 0);
    } catch {
      // A malformed hash: the box keeps its plain background.
    }
  }, [hash]);
  return <canvas ref={canvas} width={SIZE} height={SIZE} aria-hidden className={className} />;
}
