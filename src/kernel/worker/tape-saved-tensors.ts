/**
 * While a gradient tape records (model.fit, tf.grad, optimizer.minimize), tfjs keeps what each
 * op's gradient will need (a product's operands, a relu's input…) as clones, and each clone is a
 * full trip through the engine: a kernel call and a tape node of its own. Training a 3-layer MLP
 * made ~23 of them per batch, a quarter of all its kernel calls.
 *
 * Under a single tape those clone nodes are never used: the kept tensors only feed gradient
 * functions, which run after the tape has closed, so no recorded op reads them. The kept tensor
 * can then be made as Identity makes one on the CPU, WebGL and (with wasm-pass-through.ts) wasm
 * backends, sharing the data and counting a reference, without the trip. Nested tapes
 * (gradients of gradients) take tfjs' own path: there, the outer tape reads the kept tensors
 * through their clone nodes.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { TensorInfo, Tf } from './wasm-kernel-types';

type Backend = TfModule.KernelBackend;

/** The parts of tfjs' Engine this uses (private in its typings). */
type EngineInternals = {
  state: {
    gradientDepth: number;
    tensorInfo: { get(dataId: object): { backend: Backend } | undefined };
  };
  keep<T extends TfModule.Tensor>(tensor: T): T;
  makeTensorFromTensorInfo(info: TensorInfo, backend: Backend): TfModule.Tensor;
  saveTensorsForBackwardMode(tensors: TfModule.Tensor[]): TfModule.Tensor[];
};

/** Marks an engine already patched, so installing twice does not wrap twice. */
const patched = new WeakSet<object>();

/** Makes the engine keep tensors for the backward pass by sharing their data, under a single tape. Idempotent. */
export function installSharedSavedTensors(tf: Tf): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (patched.has(engine)) return;
  patched.add(engine);
  // A backend that cannot count references (KernelBackend's own incRef throws) gets clones.
  const countsReferences = (backend: Backend) => backend.incRef !== tf.KernelBackend.prototype.incRef;
  const stockSave = engine.saveTensorsForBackwardMode;
  engine.saveTensorsForBackwardMode = function saveTensorsForBackwardMode(this: EngineInternals, tensors) {
    const owners = tensors.map((tensor) => this.state.tensorInfo.get(tensor.dataId)?.backend);
    if (this.state.gradientDepth !== 1 || !owners.every((backend) => backend && countsReferences(backend))) {
      return stockSave.call(this, tensors);
    }
    return tensors.map((tensor, i) => {
      const backend = owners[i] as Backend;
      backend.incRef(tensor.dataId);
      const { dataId, shape, dtype } = tensor;
      return this.keep(this.makeTensorFromTensorInfo({ dataId, shape, dtype }, backend));
    });
  };
}
