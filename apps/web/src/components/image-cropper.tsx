import type { AvatarCrop } from '@pigeon/schema';
import { useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Button } from './button';

const MAX_ZOOM = 4;
/** One arrow key press moves the square by this share of its side (Shift: four times as far). */
const STEP = 0.05;
const ZOOM_STEP = 1.15;

interface View {
  /** The middle of the kept square, in the source's pixels. */
  cx: number;
  cy: number;
  /** 1: the square is as large as the image's shorter side. */
  zoom: number;
}

/** The square a view keeps, in whole source pixels, always inside the image. */
export function cropOf(view: View, width: number, height: number): AvatarCrop {
  const size = Math.max(1, Math.floor(Math.min(width, height) / view.zoom));
  const x = Math.round(Math.min(Math.max(view.cx - size / 2, 0), width - size));
  const y = Math.round(Math.min(Math.max(view.cy - size / 2, 0), height - size));
  return { x, y, size };
}

/** The view with its centre pulled back so the square stays inside the image. */
function clamped(view: View, width: number, height: number): View {
  const zoom = Math.min(Math.max(view.zoom, 1), MAX_ZOOM);
  const half = Math.min(width, height) / zoom / 2;
  return {
    zoom,
    cx: Math.min(Math.max(view.cx, half), width - half),
    cy: Math.min(Math.max(view.cy, half), height - half),
  };
}

/**
 * The square crop step before a photo is saved: drag (mouse or touch) or use the arrow keys to
 * move, the slider or +/- to zoom, Enter to save, Escape to cancel. It only chooses the square;
 * the server crops the original, so nothing is re-encoded here.
 */
export function ImageCropper({
  src,
  busy,
  onSave,
  onCancel,
  onUnreadable,
}: {
  src: string;
  busy: boolean;
  onSave: (crop: AvatarCrop) => void;
  onCancel: () => void;
  /** The browser cannot show this file (not an image, or a format it does not decode). */
  onUnreadable: () => void;
}) {
  const helpId = useId();
  const zoomId = useId();
  const area = useRef<HTMLDivElement>(null);
  const drag = useRef<{ pointerId: number; x: number; y: number; from: View } | null>(null);
  const [natural, setNatural] = useState<{ width: number; height: number } | null>(null);
  const [view, setView] = useState<View>({ cx: 0, cy: 0, zoom: 1 });

  useEffect(() => {
    if (natural) area.current?.focus();
  }, [natural]);

  const update = (next: View) => {
    if (natural) setView(clamped(next, natural.width, natural.height));
  };
  const crop = natural ? cropOf(view, natural.width, natural.height) : null;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!crop) return;
    const step = crop.size * STEP * (event.shiftKey ? 4 : 1);
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    if (move) update({ ...view, cx: view.cx + move[0], cy: view.cy + move[1] });
    else if (event.key === '+' || event.key === '=') update({ ...view, zoom: view.zoom * ZOOM_STEP });
    else if (event.key === '-' || event.key === '_') update({ ...view, zoom: view.zoom / ZOOM_STEP });
    else if (event.key === 'Enter' && !busy) onSave(crop);
    else return;
    event.preventDefault();
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, from: view };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (!start || start.pointerId !== event.pointerId || !natural) return;
    // Screen pixels to source pixels: the viewport shows `size` source pixels across.
    const side = event.currentTarget.getBoundingClientRect().width || 1;
    const perPixel = cropOf(start.from, natural.width, natural.height).size / side;
    update({
      ...start.from,
      cx: start.from.cx - (event.clientX - start.x) * perPixel,
      cy: start.from.cy - (event.clientY - start.y) * perPixel,
    });
  };
  const endDrag = () => {
    drag.current = null;
  };

  return (
    <div
      className="space-y-3"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      <p id={helpId} className="text-sm text-slate-600 dark:text-slate-300">
        Drag the photo, or use the arrow keys, to choose what shows; + and − (or the slider) zoom. Enter
        saves, Escape cancels.
      </p>
      <div
        ref={area}
        role="application"
        aria-label="Photo crop area"
        aria-describedby={helpId}
        tabIndex={0}
        data-testid="crop-area"
        data-crop={crop ? `${crop.x},${crop.y},${crop.size}` : undefined}
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onWheel={(event) =>
          update({ ...view, zoom: view.zoom * (event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP) })
        }
        className="relative size-64 max-w-full cursor-move touch-none overflow-hidden rounded-lg bg-slate-200 outline-offset-2 select-none focus-visible:outline-2 focus-visible:outline-indigo-600 dark:bg-slate-800"
      >
        <img
          src={src}
          alt=""
          draggable={false}
          onLoad={(event) => {
            const { naturalWidth: width, naturalHeight: height } = event.currentTarget;
            setNatural({ width, height });
            setView({ cx: width / 2, cy: height / 2, zoom: 1 });
          }}
          onError={onUnreadable}
          className="pointer-events-none absolute max-w-none"
          style={
            natural && crop
              ? {
                  width: `${(natural.width / crop.size) * 100}%`,
                  height: `${(natural.height / crop.size) * 100}%`,
                  left: `${(-crop.x / crop.size) * 100}%`,
                  top: `${(-crop.y / crop.size) * 100}%`,
                }
              : { visibility: 'hidden' }
          }
        />
        {/* The round frame the photo will be shown in. */}
        <span
          aria-hidden
          className="pointer-events-none absolute inset-0 rounded-full shadow-[0_0_0_999px_rgb(0_0_0/0.45)]"
        />
      </div>
      <div className="flex items-center gap-2 text-sm">
        <label htmlFor={zoomId}>Zoom</label>
        <input
          id={zoomId}
          type="range"
          min={1}
          max={MAX_ZOOM}
          step={0.01}
          value={view.zoom}
          disabled={!natural}
          onChange={(event) => update({ ...view, zoom: Number(event.target.value) })}
          className="w-40"
        />
      </div>
      <div className="flex gap-2">
        <Button variant="primary" disabled={!crop || busy} onClick={() => crop && onSave(crop)}>
          {busy ? 'Saving…' : 'Save photo'}
        </Button>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
