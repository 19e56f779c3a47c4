/**
 * A whole training step of a dense network in one pass on wasm.
 *
 * tfjs-layers trains by recording every op of the forward pass on a gradient tape, then walking
 * the tape backwards: for a 10→64→64→1 MLP that is ~48 kernels a batch, each a trip through the
 * engine (bookkeeping, tensor tracking, the tape), and for batches this small those fixed costs
 * are as large as the arithmetic. Most notebook models that train on tabular data are exactly
 * such chains of Dense layers, and their gradients are known in closed form.
 *
 * For a model that is one chain of Dense layers (relu, linear, sigmoid or tanh between them, any
 * activation on the last), a step here runs every product, bias gradients included, with the
 * wasm backend's own XNNPACK kernel, called directly rather than through the engine, and each
 * activation's gradient in one loop on the wasm heap. A linear output trained on mean squared error gets its loss and gradient
 * in one loop too; any other head goes through tfjs' ops and a small tape (the last activation,
 * the model's own loss function), and metrics always use the model's own functions, so every
 * loss and metric keeps tfjs' meaning. The gradients then go to the model's own optimizer
 * (`applyGradients`), as in tfjs' `minimize`.
 *
 * Anything else (other layers, regularizers, constraints, added losses, a loss function of the
 * user's own, an optimizer that overrides computeGradients or minimize, frozen weights, class
 * weights, several inputs or outputs, other backends) takes tfjs' own training function, decided
 * per model and per batch.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { KernelArgs, TensorInfo, Tf, WasmBackend } from './wasm-kernel-types';
import { WASM_BACKEND, runWasmKernel } from './wasm-kernel-replacement';
import { matrixProduct, moveOntoHeap, type ProductActivation } from './wasm-heap';

/** Marks tfjs-layers' LayersModel prototype once the fused step is routed. */
const FUSED = Symbol('kiln.fusedDenseTraining');
/** Activations between layers whose gradient the fused step applies itself (from their output). */
const HIDDEN_ACTIVATIONS = new Set(['relu', 'linear', 'sigmoid', 'tanh']);
type HiddenActivation = 'relu' | 'linear' | 'sigmoid' | 'tanh';

type Variable = TfModule.Variable;
type Tensor = TfModule.Tensor;
type LayerVariable = { read(): Variable };
/** Functions that add to the loss: activity regularizers and `layer.addLoss`. */
type AddedLosses = { losses: unknown[] };
type SymbolicTensor = { sourceLayer: unknown; shape: (number | null)[] };
type LayerNode = { inboundLayers: unknown[] };
/** The parts of tfjs-layers' Dense the fused step reads (not in tfjs' public typings). */
type DenseLayer = AddedLosses & {
  getClassName(): string;
  activation: { getClassName(): string; apply(x: Tensor): Tensor };
  kernel: LayerVariable | null;
  bias: LayerVariable | null;
  inboundNodes: LayerNode[];
  kernelRegularizer?: unknown;
  biasRegularizer?: unknown;
  activityRegularizer?: unknown;
  kernelConstraint?: unknown;
  biasConstraint?: unknown;
};
type LossOrMetric = (yTrue: Tensor, yPred: Tensor) => Tensor;
type TrainFunction = (data: Tensor[]) => TfModule.Scalar[];
/** The parts of tfjs-layers' LayersModel the fused step reads. */
type LayersModel = {
  /** The loss as compile() was given it: a name, a function, or one per output. */
  loss: unknown;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  layers: DenseLayer[];
  lossFunctions: LossOrMetric[];
  metricsTensors: [LossOrMetric, number][];
  collectedTrainableWeights: LayerVariable[];
  optimizer_: TfModule.Optimizer;
  makeTrainFunction(): TrainFunction;
};

/** One Dense layer of the chain, in the order the input flows through them. */
type ChainLink = { layer: DenseLayer; kernel: LayerVariable; bias: LayerVariable | null };

/**
 * True when the model has one matrix input, one output and one of tfjs' own losses, and trains
 * with an optimizer that leaves computeGradients and minimize as tfjs has them.
 */
function hasStockObjective(tf: Tf, model: LayersModel): boolean {
  // A Sequential delegates training to the LayersModel inside it, which is what gets here.
  if (!Array.isArray(model.lossFunctions) || model.lossFunctions.length !== 1) return false;
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || model.inputs[0]?.shape.length !== 2) return false;
  // A loss function of the user's own may read the weights too, and its gradient would then
  // reach them other than through the prediction: only tfjs' losses, named, are taken.
  if (typeof singleLoss(model) !== 'string') return false;
  // An optimizer that changes computeGradients or minimize (clipping, say) expects to be asked.
  const optimizer = model.optimizer_ as unknown as Record<'computeGradients' | 'minimize', unknown>;
  const stock = tf.Optimizer.prototype as unknown as Record<'computeGradients' | 'minimize', unknown>;
  return optimizer.computeGradients === stock.computeGradients && optimizer.minimize === stock.minimize;
}

/** The model's Dense layers from input to output, or null when the fused step does not apply. */
function denseChain(tf: Tf, model: LayersModel): ChainLink[] | null {
  if (!hasStockObjective(tf, model)) return null;
  const [input, ...layers] = model.layers;
  if (!input || input.getClassName() !== 'InputLayer' || layers.length === 0) return null;
  const chain: ChainLink[] = [];
  let previous: unknown = input;
  for (const layer of layers) {
    if (layer.getClassName() !== 'Dense' || !layer.kernel || layer.kernel.read().dtype !== 'float32') return null;
    const [node, ...others] = layer.inboundNodes;
    if (!node || others.length > 0 || node.inboundLayers.length !== 1 || node.inboundLayers[0] !== previous) return null;
    const penalised = layer.kernelRegularizer ?? layer.biasRegularizer ?? layer.activityRegularizer ?? layer.kernelConstraint ?? layer.biasConstraint;
    if (penalised != null) return null;
    chain.push({ layer, kernel: layer.kernel, bias: layer.bias });
    previous = layer;
  }
  if (model.outputs[0]?.sourceLayer !== previous) return null;
  const hidden = chain.slice(0, -1);
  if (!hidden.every(({ layer }) => HIDDEN_ACTIVATIONS.has(layer.activation.getClassName()))) return null;
  // Every weight the optimizer trains must be one the chain computes a gradient for.
  const chainWeights = new Set(chain.flatMap(({ kernel, bias }) => (bias ? [kernel, bias] : [kernel])));
  if (!model.collectedTrainableWeights.every((weight) => chainWeights.has(weight))) return null;
  return chain;
}

type Backend = WasmBackend & { disposeData(dataId: object): void };

/** Direct calls of the wasm backend's kernels, outside the engine, on tensors it holds. */
class WasmKernels {
  /** The data the step allocated and has not handed to a tensor: freed at its end. */
  private readonly temporaries = new Set<object>();

  constructor(
    private readonly tf: Tf,
    private readonly backend: Backend,
  ) {}

  /** activation(a · b + bias) for matrices a [m, k] and b [k, n] (see matrixProduct). */
  product(a: TensorInfo, b: TensorInfo, options: { bias?: TensorInfo | null; activation?: ProductActivation } = {}): TensorInfo {
    return this.keep(matrixProduct(this.tf, this.backend as never, a, b, options));
  }

  /** tanh of a temporary, which it replaces (freed at once). */
  tanh(temporary: TensorInfo): TensorInfo {
    const out = this.keep(this.run('Tanh', { x: temporary }, {}));
    this.temporaries.delete(temporary.dataId);
    this.backend.disposeData(temporary.dataId);
    return out;
  }

  /** The transpose of a matrix; a row or column vector is only reshaped (same elements, same order). */
  transpose(matrix: TensorInfo): TensorInfo {
    const [rows, columns] = matrix.shape as [number, number];
    if (rows === 1 || columns === 1) return { dataId: matrix.dataId, dtype: matrix.dtype, shape: [columns, rows] };
    return this.keep(this.run('Transpose', { x: matrix }, { perm: [1, 0] }));
  }

  /** A new float32 tensor, uninitialised. */
  allocate(shape: number[]): TensorInfo {
    return this.keep(this.backend.makeOutput(shape, 'float32'));
  }

  /** A view of `info`'s elements; take views only after the step's allocations (the heap may move). */
  view(info: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(info) as Float32Array;
  }

  /** The same elements' bits, as integers. */
  bits(info: TensorInfo): Int32Array {
    const floats = this.view(info);
    return new Int32Array(floats.buffer, floats.byteOffset, floats.length);
  }

  /** Hands `info`'s data over to a tensor of `shape`, which then owns (and frees) it. */
  toTensor(info: TensorInfo, shape: number[]): Tensor {
    this.temporaries.delete(info.dataId);
    return this.tf.engine().makeTensorFromTensorInfo({ dataId: info.dataId, dtype: info.dtype, shape }, this.backend as never);
  }

  disposeTemporaries(): void {
    for (const dataId of this.temporaries) this.backend.disposeData(dataId);
    this.temporaries.clear();
  }

  private keep(info: TensorInfo): TensorInfo {
    this.temporaries.add(info.dataId);
    return info;
  }

  private run(kernelName: string, inputs: KernelArgs['inputs'], attrs: object): TensorInfo {
    return runWasmKernel(this.tf, kernelName, inputs, attrs, this.backend as never);
  }
}

/**
 * Zeroes the gradient where relu stopped the value, i.e. where its output is 0 (or −0). The
 * gradient is transposed ([features, batch]) against the output ([batch, features]). On the
 * float bits: a positive float is a positive integer, and `x & -1` keeps x while `x & 0` clears
 * it, which spares a branch per element that mispredicts half the time.
 */
function maskByRelu(gradientT: Int32Array, output: Int32Array, features: number): void {
  const batch = output.length / features;
  let feature = 0;
  // Four features at a time: each output row is read in runs of four, not one element per row.
  for (; feature + 4 <= features; feature += 4) {
    const [r0, r1, r2, r3] = [feature * batch, (feature + 1) * batch, (feature + 2) * batch, (feature + 3) * batch];
    for (let sample = 0, at = feature; sample < batch; sample++, at += features) {
      gradientT[r0 + sample] = (gradientT[r0 + sample] as number) & -((output[at] as number) > 0);
      gradientT[r1 + sample] = (gradientT[r1 + sample] as number) & -((output[at + 1] as number) > 0);
      gradientT[r2 + sample] = (gradientT[r2 + sample] as number) & -((output[at + 2] as number) > 0);
      gradientT[r3 + sample] = (gradientT[r3 + sample] as number) & -((output[at + 3] as number) > 0);
    }
  }
  for (; feature < features; feature++) {
    const row = feature * batch;
    for (let sample = 0; sample < batch; sample++) {
      gradientT[row + sample] = (gradientT[row + sample] as number) & -((output[sample * features + feature] as number) > 0);
    }
  }
}

/** The activation of a hidden layer of the chain (denseChain checked it is one of these). */
const hiddenActivation = (layer: DenseLayer): HiddenActivation => layer.activation.getClassName() as HiddenActivation;

/**
 * Multiplies a transposed gradient ([features, batch]) by the derivative of the activation that
 * made `output` ([batch, features]), written from the output as tfjs' own gradients are: relu's
 * mask, sigmoid's y·(1 − y), tanh's 1 − y².
 */
function throughActivation(activation: HiddenActivation, kernels: WasmKernels, gradientT: TensorInfo, output: TensorInfo): void {
  const features = output.shape[1] as number;
  if (activation === 'relu') maskByRelu(kernels.bits(gradientT), kernels.bits(output), features);
  else if (activation === 'sigmoid') scaleByDerivative(kernels.view(gradientT), kernels.view(output), features, (y) => y * (1 - y));
  else if (activation === 'tanh') scaleByDerivative(kernels.view(gradientT), kernels.view(output), features, (y) => 1 - y * y);
}

/** gradientT[feature, sample] ×= derivative(output[sample, feature]). */
function scaleByDerivative(gradientT: Float32Array, output: Float32Array, features: number, derivative: (y: number) => number): void {
  const batch = output.length / features;
  for (let feature = 0; feature < features; feature++) {
    const row = feature * batch;
    for (let sample = 0; sample < batch; sample++) {
      gradientT[row + sample] = (gradientT[row + sample] as number) * derivative(output[sample * features + feature] as number);
    }
  }
}

/** What a head hands the backward pass: the loss, its gradient at the last product, the prediction. */
type Head = {
  loss: TfModule.Scalar;
  gradient: TensorInfo;
  /** The model's output, for its metrics (made on demand: most models have none). */
  prediction(): Tensor;
  /** Tensors the step frees at its end. */
  owned: Tensor[];
};

/** A linear output trained on tfjs' meanSquaredError, whose gradient the step writes itself. */
/** The model's one loss as compile() was given it: a name or a function. */
const singleLoss = (model: LayersModel): unknown => (Array.isArray(model.loss) && model.loss.length === 1 ? model.loss[0] : model.loss);

function isMeanSquaredErrorHead(model: LayersModel, last: ChainLink, y: Tensor): boolean {
  const outputs = last.kernel.read().shape[1];
  return singleLoss(model) === 'meanSquaredError' && y.dtype === 'float32' && last.layer.activation.getClassName() === 'linear' && y.rank === 2 && y.shape[1] === outputs;
}

/**
 * The mean of (prediction − target)² over every element, as tfjs' meanSquaredError then the
 * model's mean over the batch give it, and its gradient 2·(prediction − target)/count, in one
 * loop instead of ~20 small kernels.
 */
function meanSquaredErrorHead(tf: Tf, kernels: WasmKernels, output: TensorInfo, y: Tensor): Head {
  const gradient = kernels.allocate([...output.shape] as number[]);
  const [prediction, target, slope] = [kernels.view(output), kernels.view(y), kernels.view(gradient)];
  const scale = 2 / prediction.length;
  let total = 0;
  for (let i = 0; i < prediction.length; i++) {
    const difference = (prediction[i] as number) - (target[i] as number);
    total += difference * difference;
    slope[i] = scale * difference;
  }
  const loss = tf.scalar(total / prediction.length);
  let predictionTensor: Tensor | undefined;
  const owned: Tensor[] = [];
  return {
    loss,
    gradient,
    prediction: () => {
      predictionTensor ??= kernels.toTensor(output, [...output.shape] as number[]);
      owned.push(predictionTensor);
      return predictionTensor;
    },
    owned,
  };
}

/** Any other head: the last activation and the model's own loss, differentiated by tfjs' tape. */
function modelHead(tf: Tf, model: LayersModel, last: ChainLink, kernels: WasmKernels, output: TensorInfo, y: Tensor): Head {
  const logits = kernels.toTensor(output, [...output.shape] as number[]);
  let prediction: Tensor = logits;
  const lossFunction = model.lossFunctions[0] as LossOrMetric;
  const { value: loss, grad } = tf.valueAndGrad((z: Tensor) => {
    prediction = tf.keep(last.layer.activation.apply(z));
    return tf.mean(lossFunction(y, prediction)) as TfModule.Scalar;
  })(logits);
  return { loss, gradient: grad, prediction: () => prediction, owned: [logits, grad, prediction] };
}

/** The step's outputs for tfjs-layers' fit loop: [loss, ...metrics]. */
function trainStep(tf: Tf, model: LayersModel, chain: ChainLink[], x: Tensor, y: Tensor): TfModule.Scalar[] {
  const backend = tf.backend() as unknown as Backend;
  moveOntoHeap(backend, [x, y]);
  const kernels = new WasmKernels(tf, backend);
  const gradients = new Map<LayerVariable, Tensor>();
  const owned: Tensor[] = [];
  try {
    // Forward: each hidden layer's output is kept for the backward pass; the last layer's
    // activation belongs to the head, so its product stays linear here.
    const inputs: TensorInfo[] = [x];
    let preActivation: TensorInfo = x;
    chain.forEach(({ layer, kernel, bias }, i) => {
      const isLast = i === chain.length - 1;
      const activation = isLast ? 'linear' : hiddenActivation(layer);
      const product = kernels.product(inputs[i] as TensorInfo, kernel.read(), { bias: bias?.read(), activation: activation === 'tanh' ? 'linear' : activation });
      const out = activation === 'tanh' ? kernels.tanh(product) : product;
      if (isLast) preActivation = out;
      else inputs.push(out);
    });

    // Head: the loss, its gradient at the last product, and the metrics.
    const last = chain[chain.length - 1] as ChainLink;
    const head = isMeanSquaredErrorHead(model, last, y) ? meanSquaredErrorHead(tf, kernels, preActivation, y) : modelHead(tf, model, last, kernels, preActivation, y);
    const prediction = model.metricsTensors.length > 0 ? head.prediction() : null;
    owned.push(...head.owned);
    const metrics = tf.tidy(() => model.metricsTensors.map(([metric]) => tf.mean(metric(y, prediction as Tensor)) as TfModule.Scalar));

    // Backward, from the last layer to the first. The gradients flow transposed ([features,
    // batch]): then every product is one XNNPACK takes as it is, and only the small weight
    // gradients need a transpose (the activations would need one each, four times the size).
    let gradientT = kernels.transpose(head.gradient);
    // A bias' gradient sums the rows of gradientT: a product with a column of ones.
    const ones = kernels.allocate([gradientT.shape[1] as number, 1]);
    kernels.view(ones).fill(1);
    for (let i = chain.length - 1; i >= 0; i--) {
      const { kernel, bias } = chain[i] as ChainLink;
      const input = inputs[i] as TensorInfo;
      const weights = kernel.read();
      const kernelGradient = kernels.transpose(kernels.product(gradientT, input));
      const biasGradient = bias ? kernels.product(gradientT, ones) : null;
      const inputGradientT = i > 0 ? kernels.product(weights, gradientT) : null;
      // Through the activation of the layer before, from its output (views only now: every
      // allocation of this layer is done).
      if (inputGradientT) throughActivation(hiddenActivation((chain[i - 1] as ChainLink).layer), kernels, inputGradientT, input);
      gradients.set(kernel, kernels.toTensor(kernelGradient, weights.shape));
      if (bias && biasGradient) gradients.set(bias, kernels.toTensor(biasGradient, bias.read().shape));
      if (inputGradientT) gradientT = inputGradientT;
    }

    // The optimizer's step, as tfjs' minimize() hands it over: in the model's weight order.
    model.optimizer_.applyGradients(
      model.collectedTrainableWeights.map((weight) => ({ name: weight.read().name, tensor: gradients.get(weight) as Tensor })),
    );
       return [head.loss, ...metrics];
  } finally {
    kernels.disposeTemporaries();
    tf.dispose([...owned, ...gradients.values()]);  }
}

/**
 * True when this batch can take the fused step: wasm, a float32 input matrix, float32 or int32
 * targets, no sample (class) weights, every weight still trainable (tfjs skips one frozen after compile, and refuses to
 * train none), no loss added to a layer.
 */
function fitsFusedStep(tf: Tf, model: LayersModel, chain: ChainLink[], data: Tensor[]): boolean {
  const [x, y, ...rest] = data;
  if (!x || !y || rest.some((weight) => weight != null) || tf.getBackend() !== WASM_BACKEND) return false;
  const weights = model.collectedTrainableWeights;
  if (weights.length === 0 || !weights.every((weight) => weight.read().trainable)) return false;
  if (model.layers.some((layer) => layer.losses.length > 0)) return false;
  // int32 targets (tf.oneHot's) go to the model's own loss, as in tfjs; the MSE head reads float32 only.
  if (x.dtype !== 'float32' || (y.dtype !== 'float32' && y.dtype !== 'int32') || x.rank !== 2) return false;
  return x.shape[1] === (chain[0] as ChainLink).kernel.read().shape[0];
}

/** Routes tfjs-layers' training of dense chains on wasm to the fused step. Idempotent. */
export function installWasmDenseTraining(tf: Tf): void {
  const prototype = tf.LayersModel.prototype as unknown as LayersModel & { [FUSED]?: true };
  if (prototype[FUSED]) return;
  prototype[FUSED] = true;
  const stockMakeTrainFunction = prototype.makeTrainFunction;
  prototype.makeTrainFunction = function makeTrainFunction(this: LayersModel): TrainFunction {
    const stock = stockMakeTrainFunction.call(this);
    const chain = denseChain(tf, this);
    if (!chain) return stock;
    return (data) => (fitsFusedStep(tf, this, chain, data) ? trainStep(tf, this, chain, data[0] as Tensor, data[1] as Tensor) : stock(data));
  };
}
