import { type RefObject, useLayoutEffect, useRef, useState } from 'react';

/** A ref for an element and its current width in CSS pixels, kept up to date as it resizes. */
export function useElementWidth<T extends HTMLElement>(initial = 0): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
