import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendName } from '../../core/protocol';
import type { SamplesPerSecond } from './backends';
import { chooseBackend, isSoftwareRenderer, measureTrainingSpeed, setUpBackend } from './backends';

describe('chooseBackend', () => {
  const cases: readonly { name: string; speeds: SamplesPerSecond; software: boolean; chosen: BackendName }[] = [
    { name: 'fastest wins', speeds: { wasm: 1000, webgl: 5000, cpu: 100 }, software: false, chosen: 'webgl' },
    { name: 'software WebGL never beats WASM', speeds: { wasm: 1000, webgl: 5000, cpu: 100 }, software: true, chosen: 'wasm' },
    { name: 'software WebGL still beats CPU without WASM', speeds: { webgl: 5000, cpu: 100 }, software: true, chosen: 'webgl' },
    { name: 'WebGPU when fastest', speeds: { webgpu: 9000, webgl: 5000, wasm: 100 }, software: false, chosen: 'webgpu' },
    { name: 'a tie goes to the earlier backend', speeds: { webgl: 100, wasm: 100 }, software: false, chosen: 'wasm' },
    { name: 'unusable measurements are ignored', speeds: { wasm: NaN, webgl: 0, cpu: 10 }, software: false, chosen: 'cpu' },
    { name: 'nothing measured means CPU', speeds: {}, software: false, chosen: 'cpu' },
  ];

  it.each(cases)('$name', ({ speeds, software, chosen }) => {
    expect(chooseBackend(speeds, { webglIsSoftware: software })).toBe(chosen);
  });
});

describe('isSoftwareRenderer', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true],
    ['llvmpipe (LLVM 15.0.7, 256 bits)', true],
    ['Microsoft Basic Render Driver', true],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)', false],
    ['Apple M1', false],
  ])('%s → %s', (renderer, software) => {
    expect(isSoftwareRenderer(renderer)).toBe(software);
  });
});

describe('setUpBackend (real tfjs in Node: CPU and WASM work, WebGL and WebGPU do not exist)', () => {
  // In Node the WASM backend reads its binaries from disk, so the package's own folder serves as the "URL".
  const options = {
    wasmBaseUrl: fileURLToPath(new URL('../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)),
    isCrossOriginIsolated: false,
    benchmarkMs: 50,
  };

  it('starts an explicit choice without measuring', async () => {
    expect(await setUpBackend(tf, 'cpu', options)).toEqual({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('uses the remembered backend when it starts', async () => {
    expect(await setUpBackend(tf, 'auto', { ...options, remembered: 'wasm' })).toEqual({ backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).arraySync());
    expect(sum).toEqual([4, 6]);
  });

  it('measures the backends that start (skipping CPU once WASM works), reports the others, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const setup = await setUpBackend(tf, 'auto', options);
    expect(Object.keys(setup.benchmark ?? {})).toEqual(['wasm']);
    expect(setup.benchmark?.wasm).toBeGreaterThan(0);
    expect(setup.failures).toEqual({
      webgl: 'the webgl backend is not registered',
      cpu: 'not measured: WASM works here and is always faster than the CPU backend',
      webgpu: 'this browser has no WebGPU',
    });
    expect(setup.backend).toBe('wasm');
    expect(tf.getBackend()).toBe(setup.backend);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('falls back to measuring when the choice cannot start', async () => {
    const setup = await setUpBackend(tf, 'webgpu', options);
    expect(setup.failures?.webgpu).toBe('this browser has no WebGPU');
    expect(setup.benchmark).toBeDefined();
    expect(['cpu', 'wasm']).toContain(setup.backend);
  });

  it('falls back when the remembered backend cannot start', async () => {
    const setup = await setUpBackend(tf, 'auto', { ...options, remembered: 'webgl' });
    expect(setup.failures?.webgl).toBe('the webgl backend is not registered');
    expect(['cpu', 'wasm']).toContain(setup.backend);
  });

  it('measures a positive, finite training speed within its budget, and leaves nothing behind', async () => {
    await tf.setBackend('cpu');
    const tensors = tf.memory().numTensors;
    // tfjs numbers unnamed layers with a global counter (dense_Dense1, dense_Dense2…).
    const denseNumber = () => Number(/\d+$/.exec(tf.layers.dense({ units: 1 }).name)?.[0]);
    const numberBefore = denseNumber();
    const start = performance.now();
    const speed = await measureTrainingSpeed(tf, 50);
    expect(Number.isFinite(speed) && speed > 0).toBe(true);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Object.keys(tf.engine().registeredVariables).filter((name) => name.startsWith('kiln_backend_benchmark'))).toEqual([]);
    // Its layers have names of their own, so the user's layers are numbered as if it never ran.
    expect(denseNumber()).toBe(numberBefore + 1);
  });
});

describe('setUpBackend when a backend hangs (fake factories on the real engine)', () => {
  const options = {
    wasmBaseUrl: fileURLToPath(new URL('../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)),
    isCrossOriginIsolated: false,
    benchmarkMs: 20,
    startTimeoutMs: 100,
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  afterEach(() => {
    vi.unstubAllGlobals();
    if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  });

  it('loads the WebGPU backend only where the browser offers a GPU adapter', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    const withoutGpu = await setUpBackend(tf, 'webgpu', options);
    expect(withoutGpu.failures?.webgpu).toBe('no WebGPU adapter here, so no usable GPU');
    expect(tf.findBackendFactory('webgpu')).toBeNull();

    // With an adapter the package is imported and registers its backend; starting it needs a real
    // GPU device, which Node does not have, so it fails and is reported.
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({}) } });
    const withAdapter = await setUpBackend(tf, 'webgpu', options);
    expect(tf.findBackendFactory('webgpu')).not.toBeNull();
    expect(withAdapter.failures?.webgpu).toBeDefined();
    expect(['cpu', 'wasm']).toContain(withAdapter.backend);
  });

  it('gives up on a start that takes too long, and a late finish cannot take over', async () => {
    // With CPU and WASM already running, nothing else the engine does would cancel the late start.
    await setUpBackend(tf, 'wasm', options);
    await setUpBackend(tf, 'cpu', options);
    vi.stubGlobal('navigator', { gpu: {}, hardwareConcurrency: 2 });
    // Finishes after the timeout with an object that would break every op if it became the active backend.
    tf.registerBackend('webgpu', () => sleep(300).then(() => ({ dispose: () => undefined }) as unknown as tf.KernelBackend), 3);
    const setup = await setUpBackend(tf, 'webgpu', options);
    expect(setup.failures?.webgpu).toBe('did not start within 100 ms');
    expect(['cpu', 'wasm']).toContain(setup.backend);
    await sleep(400);
    expect(tf.getBackend()).toBe(setup.backend);
    expect(tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).arraySync())).toBe(3);
  });

  it('gives up at once when a pthread worker crashes', async () => {
    vi.stubGlobal('navigator', { gpu: {}, hardwareConcurrency: 2 });
    const crash = 'worker sent an error! blob:x:1: Uncaught ReferenceError: _scriptDir is not defined';
    tf.registerBackend(
      'webgpu',
      () => {
        console.error(crash);
        return new Promise<tf.KernelBackend>(() => undefined);
      },
      3,
    );
    const silenced = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const started = performance.now();
    const setup = await setUpBackend(tf, 'webgpu', { ...options, startTimeoutMs: 60_000 });
    silenced.mockRestore();
    expect(setup.failures?.webgpu).toBe(crash);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('retries WASM on one thread when threaded WASM crashes', async () => {
    const realWasm = tf.findBackendFactory('wasm');
    if (realWasm === null) throw new Error('the wasm backend should be registered');
    await tf.setBackend('cpu');
    tf.removeBackend('wasm');
    let calls = 0;
    // First start: what a minified production build does with threads. Then the real (single-threaded) backend.
    tf.registerBackend(
      'wasm',
      () => {
        calls += 1;
        if (calls > 1) return realWasm();
        console.error('worker sent an error! blob:x:1: Uncaught ReferenceError: e is not defined');
        return new Promise<tf.KernelBackend>(() => undefined);
      },
      2,
    );
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    const silenced = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const setup = await setUpBackend(tf, 'wasm', options);
    silenced.mockRestore();
    expect(setup.backend).toBe('wasm');
    expect(setup.warnings).toEqual([
      'WASM threads failed to start (worker sent an error! blob:x:1: Uncaught ReferenceError: e is not defined); WASM runs on one thread',
    ]);
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
    expect(tf.tidy(() => tf.mul(tf.scalar(3), tf.scalar(4)).arraySync())).toBe(12);
  });
});
