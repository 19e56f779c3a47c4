import { describe, expect, it } from 'vitest';
import { reachableDeclarations } from './declaration-graph';

const ENTRIES = { lib: 'dist/index.d.ts', '@scope/pkg': 'types/main.d.ts' };

describe('reachableDeclarations', () => {
  it('follows every kind of module specifier a declaration file uses', () => {
    const files = {
      '/node_modules/lib/dist/index.d.ts': [
        "import { A } from './a';",
        "export * from './folder';",
        "import './side_effects';",
        'export declare const b: import("./b.js").B;',
        "export { C } from '@scope/pkg/types/c';",
      ].join('\n'),
      '/node_modules/lib/dist/a.d.ts': "export type A = import('../dist/shared').Shared;",
      '/node_modules/lib/dist/folder/index.d.ts': 'export {};',
      '/node_modules/lib/dist/side_effects.d.ts': 'export {};',
      '/node_modules/lib/dist/b.d.ts': 'export type B = 1;',
      '/node_modules/lib/dist/shared.d.ts': 'export type Shared = 2;',
      '/node_modules/@scope/pkg/types/main.d.ts': "export * from './c';",
      '/node_modules/@scope/pkg/types/c.d.ts': 'export type C = 3;',
      '/node_modules/lib/dist/unused.d.ts': 'export type Unused = 4;',
    };
    expect(reachableDeclarations(files, ENTRIES)).toEqual([
      '/node_modules/@scope/pkg/types/c.d.ts',
      '/node_modules/@scope/pkg/types/main.d.ts',
      '/node_modules/lib/dist/a.d.ts',
      '/node_modules/lib/dist/b.d.ts',
      '/node_modules/lib/dist/folder/index.d.ts',
      '/node_modules/lib/dist/index.d.ts',
      '/node_modules/lib/dist/shared.d.ts',
      '/node_modules/lib/dist/side_effects.d.ts',
    ]);
  });

  it('leaves out packages and files it does not have, and survives import cycles', () => {
    const files = {
      '/node_modules/lib/dist/index.d.ts': "import { Config } from 'plotly.js';\nexport * from './cycle';\nexport * from './missing';",
      '/node_modules/lib/dist/cycle.d.ts': "export * from './index';",
    };
    expect(reachableDeclarations(files, { lib: 'dist/index.d.ts' })).toEqual(['/node_modules/lib/dist/cycle.d.ts', '/node_modules/lib/dist/index.d.ts']);
  });
});
