import type { Monaco } from './monaco-setup';

let loading: Promise<Monaco> | null = null;
let loaded: Monaco | null = null;

/** Starts loading Monaco once; every caller shares the same promise. */
export function loadMonaco(): Promise<Monaco> {
  loading ??= import('./monaco-setup').then((module) => {
    loaded = module.monaco;
    return module.monaco;
  });
  return loading;
}

/** Monaco if it has finished loading, so editors created later need not wait a tick. */
export function monacoIfLoaded(): Monaco | null {
  return loaded;
}
