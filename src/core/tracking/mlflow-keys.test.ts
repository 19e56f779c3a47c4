import { describe, expect, it } from 'vitest';
import { assignMlflowKeys, mlflowSafeKey } from './mlflow-keys';

/** MLflow's own name check (validation.py): allowed characters, and a path that normalises to itself. */
function mlflowAccepts(name: string): boolean {
  if (!/^[/\p{L}\p{N}_.\- ]*$/u.test(name)) return false;
  const segments = name.split('/');
  const isNormal = segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..');
  return name !== '' && isNormal;
}

describe('mlflowSafeKey', () => {
  it.each([
    ['val_acc', 'val_acc'],
    ['val/acc', 'val/acc'],
    ['batch size', 'batch size'],
    ['lr-decay.v2', 'lr-decay.v2'],
    ['genauigkeit_ü', 'genauigkeit_ü'],
    ['精度', '精度'],
    ['bad:key', 'bad_key'],
    ['a@b#c', 'a_b_c'],
    ['/leading', 'leading'],
    ['trailing/', 'trailing'],
    ['a//b', 'a/b'],
    ['./a', '_/a'],
    ['a/./b', 'a/_/b'],
    ['a/../b', 'a/__/b'],
    ['..', '__'],
    ['', '_'],
    ['///', '_'],
    ['x'.repeat(300), 'x'.repeat(250)],
    [`${'é'.repeat(200)}/b`, `${'é'.repeat(127)}/b`],
  ])('%j → %j', (key, safe) => {
    expect(mlflowSafeKey(key)).toBe(safe);
    expect(mlflowAccepts(safe)).toBe(true);
  });
});

describe('assignMlflowKeys', () => {
  const cases: readonly { name: string; keys: string[]; reserved?: string[]; expected: Record<string, string> }[] = [
    { name: 'valid keys stay as they are', keys: ['lr', 'val/acc'], expected: { lr: 'lr', 'val/acc': 'val/acc' } },
    { name: 'keys that clean up to the same name', keys: ['a:b', 'a@b', 'a_b'], expected: { 'a:b': 'a_b_2', 'a@b': 'a_b_3', a_b: 'a_b' } },
    { name: 'keys that differ only in case', keys: ['Loss', 'loss'], expected: { Loss: 'Loss', loss: 'loss_2' } },
    { name: 'a file where another key needs a folder', keys: ['a', 'a/b'], expected: { 'a/b': 'a/b', a: 'a_2' } },
    { name: 'three levels', keys: ['a', 'a/b', 'a/b/c'], expected: { 'a/b/c': 'a/b/c', 'a/b': 'a/b_2', a: 'a_2' } },
    { name: 'reserved names keep theirs', keys: ['mlflow.runName', 'team'], reserved: ['mlflow.runName'], expected: { 'mlflow.runName': 'mlflow.runName_2', team: 'team' } },
    { name: 'a folder under a reserved file is flattened', keys: ['mlflow.runName/x'], reserved: ['mlflow.runName'], expected: { 'mlflow.runName/x': 'mlflow.runName_x' } },
  ];

  it.each(cases)('$name', ({ keys, reserved, expected }) => {
    const assigned = assignMlflowKeys(keys, reserved);
    expect(Object.fromEntries(assigned)).toEqual(expected);
    const paths = [...assigned.values(), ...(reserved ?? [])].map((path) => path.toLowerCase());
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) expect(paths.some((other) => other.startsWith(`${path}/`))).toBe(false);
  });
});
