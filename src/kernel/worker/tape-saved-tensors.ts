/**
 * While a gradient tape records (model.fit, tf.grad, optimizer.minimize), tfjs keeps what each
 * op's gradient will need (a product's operands, a relu's input…) as clones, and each clone runs
 * the Identity kernel through the engine. Training a 3-layer MLP made ~23 of them per batch, a
 * quarter of all its kernel calls.
 *
 * Here the kept tensor is made as Identity makes one on the CPU, WebGL and (with
 * wasm-pass-through.ts) wasm backends, sharing the data and counting a reference, without the
 * kernel call. The tape node that clone() records is still recorded: an enclosing tape
 * (gradients of gradients) differentiates through the kept tensors, and reaches their sources
 * through that node.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { TensorInfo, Tf } from './wasm-kernel-types';

type Backend = TfModule.KernelBackend;
type GradientFunc = (dy: TfModule.Tensor) => Record<string, () => TfModule.Tensor>;

/** The parts of tfjs' Engine this uses (private in its typings). */
type EngineInternals = {
  state: {
    activeScope: { name: string };
    tensorInfo: { get(dataId: object): { backend: Backend } | undefined };
  };
  keep<T extends TfModule.Tensor>(tensor: T): T;
  makeTensorFromTensorInfo(info: TensorInfo, backend: Backend): TfModule.Tensor;
  addTapeNode(kernelName: string, inputs: Record<string, TfModule.Tensor>, outputs: TfModule.Tensor[], gradient: GradientFunc, saved: TfModule.Tensor[], attrs: object): void;
  saveTensorsForBackwardMode(tensors: TfModule.Tensor[]): TfModule.Tensor[];
};

/** Marks an engine already patched, so installing twice does not wrap twice. */
const patched = new WeakSet<object>();

/** Makes the engine keep tensors for the backward pass by sharing their data. Idempotent. */
export function installSharedSavedTensors(tf: Tf): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (patched.has(engine)) return;
  patched.add(engine);
  // A backend that cannot count references (KernelBackend's own incRef throws) gets clones.
  const countsReferences = (backend: Backend) => backend.incRef !== tf.KernelBackend.prototype.incRef;
  // As clone()'s tape node: the gradient of a copy is the incoming gradient, as float32.
  const copyGradient: GradientFunc = (dy) => ({ x: () => tf.cast(dy, 'float32') });
  const stockSave = engine.saveTensorsForBackwardMode;
  engine.saveTensorsForBackwardMode = function saveTensorsForBackwardMode(this: EngineInternals, tensors) {
    const owners = tensors.map((tensor) => this.state.tensorInfo.get(tensor.dataId)?.backend);
    if (!owners.every((backend) => backend && countsReferences(backend))) return stockSave.call(this, tensors);
    return tensors.map((tensor, i) => {
      const backend = owners[i] as Backend;
      backend.incRef(tensor.dataId);
      const { dataId, shape, dtype } = tensor;
      const kept = this.keep(this.makeTensorFromTensorInfo({ dataId, shape, dtype }, backend));
      this.addTapeNode(this.state.activeScope.name, { x: tensor }, [kept], copyGradient, [], {});
      return kept;
    });
  };
}
