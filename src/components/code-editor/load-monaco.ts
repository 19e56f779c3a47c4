import { whenStartupQuiet } from '../../lib/startup-quiet';
import type { Monaco } from './monaco-setup';

let loading: Promise<Monaco> | null = null;
let loaded: Monaco | null = null;

/**
 * Starts loading Monaco once; every caller shares the same promise. Cells are editable as plain
 * text meanwhile, so the load waits for a quiet moment: its second of script evaluation must not
 * delay the user's first run (see lib/startup-quiet.ts).
 */
export function loadMonaco(): Promise<Monaco> {
  loading ??= whenStartupQuiet().then(() => import('./monaco-setup')).then((module) => {
    loaded = module.monaco;
    return module.monaco;
  });
  return loading;
}

/** Monaco if it has finished loading, so editors created later need not wait a tick. */
export function monacoIfLoaded(): Monaco | null {
  return loaded;
}
