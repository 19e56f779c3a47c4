import { useEffect, useState, type RefObject } from 'react';

/** Cells within this distance of the viewport keep a live editor; farther ones are plain text. */
const NEAR_MARGIN = '800px 0px';

export function useIsNearViewport(ref: RefObject<Element | null>): boolean {
  const [isNear, setIsNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) setIsNear(entry.isIntersecting);
    }, { rootMargin: NEAR_MARGIN });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return isNear;
}
