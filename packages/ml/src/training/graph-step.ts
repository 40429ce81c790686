import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../backend.js';

// tfjs-node runs every op of a training step eagerly (one TFE_Execute each), while Keras runs the
// step as one TensorFlow graph: grappler fuses ops, oneDNN keeps its blocked layouts between them and
// independent ops (a convolution's input and filter gradients) run side by side on the inter-op
// threads. This module gives tfjs the same: it records the native ops one eager step executes (its
// forward pass, tfjs's gradients and the optimizer update), writes them out as a GraphDef whose
// inputs are the step's batch tensors and the variables it reads and whose outputs are the loss and
// the variables' new values, and runs later steps of the same shapes through tfjs-node's session API
// (TF_SessionRun). The graph computes exactly what the eager step computed; a step is compiled only
// after two consecutive traces agree op for op and constant for constant, so anything that varies
// between steps without being a declared input (a learning rate baked in as a number, noise drawn in
// JavaScript) keeps the step eager instead of freezing into the graph.

/** The tfjs-node internals a trace records and a compiled step runs through (untyped in tfjs-node). */
interface NativeBackend {
  binding: {
    loadSavedModel(exportDir: string, tags: string): number;
    deleteSavedModel(id: number): void;
    runSavedModel(id: number, inputIds: number[], inputNames: string, outputNames: string): OutputMetadata[];
  } & AttrTypes;
  executeSingleOutput(op: string, attrs: OpAttr[], inputs: tfjs.Tensor[]): tfjs.Tensor;
  executeMultipleOutputs(op: string, attrs: OpAttr[], inputs: tfjs.Tensor[], outputs: number): tfjs.Tensor[];
  readSync(dataId: object): unknown;
  getInputTensorIds(tensors: tfjs.Tensor[]): number[];
  createOutputTensor(metadata: OutputMetadata): tfjs.Tensor;
  /** The TF_DataType code of a tfjs dtype. */
  getDTypeInteger(dtype: tfjs.DataType): number;
}
/** The `type` codes of op attributes (TF_AttrType) as tfjs-node's binding names them. */
interface AttrTypes {
  TF_ATTR_STRING: number;
  TF_ATTR_INT: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_SHAPE: number;
}
interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}
interface OutputMetadata {
  id: number;
  shape: number[];
  dtype: number;
}
type DataId = object;

/** Where a traced op's input comes from. */
type Source =
  | { kind: 'op'; node: number; output: number }
  | { kind: 'input'; index: number }
  | { kind: 'variable'; index: number }
  | { kind: 'const'; index: number };

interface TracedOp {
  op: string;
  attrs: OpAttr[];
  inputs: Source[];
}
interface TracedConst {
  dtype: tfjs.DataType;
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/** One eager step as a dataflow graph over its declared inputs and the variables it reads. */
interface Trace {
  ops: TracedOp[];
  consts: TracedConst[];
  inputs: { dtype: tfjs.DataType; shape: number[] }[];
  /** Variables whose pre-step values the step reads, in first-use order. */
  reads: tfjs.Variable[];
  loss: Source;
  /** Variables the step gave new values, and where each value comes from. */
  writes: { variable: tfjs.Variable; source: Source }[];
}

type TraceOutcome = { trace: Trace } | { untraceable: string };

/**
 * A training step that runs eagerly until its graph is known, then as that graph. Which steps run
 * eagerly depends only on their place in the epoch, never on what this process ran before: the first
 * EAGER_STEPS_PER_EPOCH steps of each input shape in every epoch are eager (they are the ones traced),
 * later ones run the graph once it is confirmed. A run resumed at an epoch boundary therefore executes
 * every step exactly as the uninterrupted run did, and ends with the same weights.
 */
export interface GraphStep {
  /**
   * Runs one step: `eager`, which must update the variables and return the loss, computing nothing
   * from `inputs` except through tfjs ops, or the graph compiled from it for inputs of these shapes.
   * `inputs` are everything the step depends on besides the variables and fixed constants: the batch,
   * the learning rate, the step's random seeds. A graph computes tensors only: `afterGraph` updates
   * the JavaScript state the eager step updates besides them (an optimizer's step count).
   */
  run(inputs: tfjs.Tensor[], eager: () => tfjs.Scalar, afterGraph: () => void): tfjs.Scalar;
  /** Starts the step count of a new epoch. */
  startEpoch(): void;
  /** How the steps so far ran. */
  readonly execution: StepExecution;
  dispose(): void;
}

/** How a run's training steps were executed. */
export interface StepExecution {
  graphSteps: number;
  eagerSteps: number;
  /** Why steps of some batch shape never ran as a graph (one line per shape; empty when all could). */
  eagerReasons: string[];
}

/** Steps of each batch shape that run eagerly at the start of every epoch: the two a graph is confirmed from. */
const EAGER_STEPS_PER_EPOCH = 2;

interface ShapeState {
  stepsThisEpoch: number;
  pending?: Trace;
  confirmed?: Trace;
  compiled?: CompiledGraph;
  eagerReason?: string;
}

/**
 * Compiles steps on tfjs-node's native CPU backend unless `compile` is false; on other backends (and
 * on a GPU, where feeding the variables would copy them to the host every step) every step runs eagerly.
 */
export function createGraphStep(tf: Tf, { compile: enabled = true }: { compile?: boolean } = {}): GraphStep {
  const backend = tf.backend() as unknown as Partial<NativeBackend> & { isUsingGpuDevice?: boolean };
  const native = enabled && tf.getBackend() === 'tensorflow' && backend.isUsingGpuDevice === false;
  const states = new Map<string, ShapeState>();
  const execution: StepExecution = { graphSteps: 0, eagerSteps: 0, eagerReasons: [] };

  const traced = (state: ShapeState, inputs: tfjs.Tensor[], eager: () => tfjs.Scalar): tfjs.Scalar => {
    const variablesBefore = Object.keys(tf.engine().registeredVariables).length;
    const { result, outcome } = traceStep(tf, backend as NativeBackend, inputs, eager);
    if (Object.keys(tf.engine().registeredVariables).length !== variablesBefore) {
      // This step created variables (the optimizer's slots): the next one shows the steady state.
    } else if ('untraceable' in outcome) {
      state.eagerReason = outcome.untraceable;
    } else if (!state.pending) {
      state.pending = outcome.trace;
    } else {
      const difference = differenceBetween(state.pending, outcome.trace);
      if (difference) state.eagerReason = difference;
      else state.confirmed = outcome.trace;
      delete state.pending;
    }
    return result;
  };

  const eagerStep = (state: ShapeState | undefined, inputs: tfjs.Tensor[], eager: () => tfjs.Scalar) => {
    execution.eagerSteps += 1;
    if (!state || state.confirmed || state.eagerReason !== undefined) return eager();
    const loss = traced(state, inputs, eager);
    if (state.eagerReason !== undefined) execution.eagerReasons.push(state.eagerReason);
    return loss;
  };

  return {
    run(inputs, eager, afterGraph) {
      if (!native) return eagerStep(undefined, inputs, eager);
      const key = JSON.stringify(inputs.map((t) => [t.dtype, t.shape]));
      const state = states.get(key) ?? { stepsThisEpoch: 0 };
      states.set(key, state);
      const place = state.stepsThisEpoch++;
      if (place < EAGER_STEPS_PER_EPOCH || !state.confirmed || state.eagerReason !== undefined) {
        return eagerStep(state, inputs, eager);
      }
      let loss: tfjs.Scalar;
      try {
        state.compiled ??= compile(backend as NativeBackend, state.confirmed);
        // Variables change only after the graph ran, so a failed run leaves nothing half-applied.
        loss = state.compiled.run(inputs);
      } catch (error) {
        // TensorFlow refused the graph (an op it cannot place or run): this shape's steps stay eager.
        state.eagerReason = `TensorFlow could not run the step's graph: ${(error as Error).message}`;
        execution.eagerReasons.push(state.eagerReason);
        return eagerStep(state, inputs, eager);
      }
      execution.graphSteps += 1;
      afterGraph();
      return loss;
    },
    startEpoch() {
      for (const state of states.values()) state.stepsThisEpoch = 0;
    },
    execution,
    dispose() {
      for (const state of states.values()) state.compiled?.dispose();
      states.clear();
    },
  };
}

/** Runs `eager` while recording every native op it executes. */
function traceStep(
  tf: Tf,
  backend: NativeBackend,
  inputs: tfjs.Tensor[],
  eager: () => tfjs.Scalar,
): { result: tfjs.Scalar; outcome: TraceOutcome } {
  const trace: Trace = {
    ops: [],
    consts: [],
    inputs: inputs.map((t) => ({ dtype: t.dtype, shape: [...t.shape] })),
    reads: [],
    loss: { kind: 'const', index: -1 },
    writes: [],
  };
  const sources = new Map<DataId, Source>();
  inputs.forEach((t, index) => sources.set(t.dataId, { kind: 'input', index }));
  const variables = Object.values(tf.engine().registeredVariables);
  const valuesBefore = variables.map((v) => v.dataId);
  const variableOf = new Map<DataId, tfjs.Variable>();
  for (const v of variables) {
    if (!sources.has(v.dataId)) variableOf.set(v.dataId, v);
  }
  /** Tensors whose values differ from step to step: none may be read into JavaScript. */
  const varying = new Set<DataId>([...sources.keys(), ...variableOf.keys()]);
  let untraceable: string | undefined;

  const sourceOf = (tensor: tfjs.Tensor): Source => {
    const known = sources.get(tensor.dataId);
    if (known) return known;
    let source: Source;
    const variable = variableOf.get(tensor.dataId);
    if (variable) {
      source = { kind: 'variable', index: trace.reads.push(variable) - 1 };
    } else {
      // A tensor from outside the step that no input declares, or one JavaScript made during it.
      const values = backend.readSync(tensor.dataId);
      if (!(values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array)) {
        untraceable ??= `a ${tensor.dtype} constant cannot be written into the graph`;
        return { kind: 'const', index: -1 };
      }
      source = {
        kind: 'const',
        index:
          trace.consts.push({ dtype: tensor.dtype, shape: [...tensor.shape], values: values.slice() }) - 1,
      };
    }
    sources.set(tensor.dataId, source);
    return source;
  };
  const record = (op: string, attrs: OpAttr[], opInputs: tfjs.Tensor[], outputs: tfjs.Tensor[]) => {
    if (opInputs.some((t) => !(t as Partial<tfjs.Tensor>).dataId))
      untraceable ??= `${op} takes an int64 scalar`;
    if (untraceable !== undefined) return;
    const node = trace.ops.push({ op, attrs, inputs: opInputs.map(sourceOf) }) - 1;
    outputs.forEach((t, output) => {
      sources.set(t.dataId, { kind: 'op', node, output });
      varying.add(t.dataId);
    });
  };

  const own = {
    executeSingleOutput: backend.executeSingleOutput,
    executeMultipleOutputs: backend.executeMultipleOutputs,
    readSync: backend.readSync,
  };
  backend.executeSingleOutput = (op, attrs, opInputs) => {
    const output = own.executeSingleOutput.call(backend, op, attrs, opInputs);
    record(op, attrs, opInputs, [output]);
    return output;
  };
  backend.executeMultipleOutputs = (op, attrs, opInputs, count) => {
    const outputs = own.executeMultipleOutputs.call(backend, op, attrs, opInputs, count);
    record(op, attrs, opInputs, outputs);
    return outputs;
  };
  backend.readSync = (dataId) => {
    if (varying.has(dataId)) untraceable ??= 'the step reads a varying value back into JavaScript';
    return own.readSync.call(backend, dataId);
  };
  let result: tfjs.Scalar;
  try {
    result = eager();
  } finally {
    // Uncovers the prototype's methods again.
    delete (backend as Partial<NativeBackend>).executeSingleOutput;
    delete (backend as Partial<NativeBackend>).executeMultipleOutputs;
    delete (backend as Partial<NativeBackend>).readSync;
  }
  if (untraceable !== undefined) return { result, outcome: { untraceable } };

  const loss = sources.get(result.dataId);
  if (loss?.kind !== 'op')
    return { result, outcome: { untraceable: 'the loss is not computed by the step' } };
  trace.loss = loss;
  for (const [i, variable] of variables.entries()) {
    if (variable.dataId === valuesBefore[i]) continue;
    const source = sources.get(variable.dataId);
    if (source?.kind !== 'op') {
      return {
        result,
        outcome: { untraceable: `variable ${variable.name} is given a value the step did not compute` },
      };
    }
    trace.writes.push({ variable, source });
  }
  return { result, outcome: { trace } };
}

/** The first way in which two traces of steps with the same input shapes differ, if any. */
function differenceBetween(a: Trace, b: Trace): string | undefined {
  if (a.ops.length !== b.ops.length) return `the step ran ${a.ops.length} ops, then ${b.ops.length}`;
  for (const [i, op] of a.ops.entries()) {
    const other = b.ops[i] as TracedOp;
    if (
      op.op !== other.op ||
      JSON.stringify([op.attrs, op.inputs]) !== JSON.stringify([other.attrs, other.inputs])
    ) {
      return `op ${i} (${op.op}) differs between two steps`;
    }
  }
  for (const [i, c] of a.consts.entries()) {
    const other = b.consts[i] as TracedConst;
    const equal =
      c.dtype === other.dtype &&
      c.shape.join() === other.shape.join() &&
      c.values.length === other.values.length &&
      c.values.every((v, k) => Object.is(v, other.values[k]));
    if (!equal) {
      return `a constant of shape [${c.shape.join(', ')}] changes from step to step (a value or noise made in JavaScript)`;
    }
  }
  const same = (x: tfjs.Variable[], y: tfjs.Variable[]) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  if (
    !same(a.reads, b.reads) ||
    !same(
      a.writes.map((w) => w.variable),
      b.writes.map((w) => w.variable),
    ) ||
    JSON.stringify([a.loss, a.writes.map((w) => w.source)]) !==
      JSON.stringify([b.loss, b.writes.map((w) => w.source)])
  ) {
    return 'the step reads or writes different variables from step to step';
  }
  return undefined;
}

/** A loaded graph of one trace, run with TF_SessionRun. */
interface CompiledGraph {
  run(inputs: tfjs.Tensor[]): tfjs.Scalar;
  dispose(): void;
}

// The GraphDef version of the TensorFlow release tfjs-node links (2.21): ops are read with the
// semantics of this producer version.
const GRAPH_DEF_VERSION = 2474;

function compile(backend: NativeBackend, trace: Trace): CompiledGraph {
  const graph = graphDef(trace, backend);
  const dir = mkdtempSync(join(tmpdir(), 'medsweep-step-'));
  let session: number;
  try {
    writeFileSync(join(dir, 'saved_model.pb'), savedModel(graph));
    session = backend.binding.loadSavedModel(dir, 'serve');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const feeds = [
    ...trace.inputs.map((_, i) => nameOf({ kind: 'input', index: i })),
    ...trace.reads.map((_, i) => nameOf({ kind: 'variable', index: i })),
  ].join(',');
  const fetches = [trace.loss, ...trace.writes.map((w) => w.source)].map(nameOf).join(',');
  return {
    run(inputs) {
      const ids = backend.getInputTensorIds([...inputs, ...trace.reads]);
      const [loss, ...values] = backend.binding
        .runSavedModel(session, ids, feeds, fetches)
        .map((m) => backend.createOutputTensor(m));
      trace.writes.forEach(({ variable }, i) => {
        const value = values[i] as tfjs.Tensor;
        variable.assign(value);
        value.dispose();
      });
      return loss as tfjs.Scalar;
    },
    dispose: () => backend.binding.deleteSavedModel(session),
  };
}

function nameOf(source: Source): string {
  switch (source.kind) {
    case 'op':
      return `op_${source.node}:${source.output}`;
    case 'input':
      return `input_${source.index}:0`;
    case 'variable':
      return `variable_${source.index}:0`;
    case 'const':
      return `const_${source.index}:0`;
  }
}

/** tfjs-node's generated TensorFlow protobuf classes (SavedModel, GraphDef, NodeDef, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated JS without typings
type Proto = any;
const proto: Record<string, Proto> = createRequire(import.meta.url)(
  '@tensorflow/tfjs-node/dist/proto/api_pb.js',
);

function graphDef(trace: Trace, backend: NativeBackend): Proto {
  const graph = new proto['GraphDef']();
  const versions = new proto['VersionDef']();
  versions.setProducer(GRAPH_DEF_VERSION);
  graph.setVersions(versions);
  const node = (name: string, op: string, inputs: Source[], attrs: [string, Proto][]) => {
    const n = new proto['NodeDef']();
    n.setName(name);
    n.setOp(op);
    n.setInputList(inputs.map((s) => nameOf(s).replace(/:0$/, '')));
    for (const [key, value] of attrs) n.getAttrMap().set(key, value);
    graph.addNode(n);
  };
  const placeholder = (name: string, dtype: tfjs.DataType, shape: number[]) =>
    node(
      name,
      'Placeholder',
      [],
      [
        ['dtype', attr((a) => a.setType(backend.getDTypeInteger(dtype)))],
        ['shape', attr((a) => a.setShape(tensorShape(shape)))],
      ],
    );
  trace.inputs.forEach((t, i) => placeholder(`input_${i}`, t.dtype, t.shape));
  trace.reads.forEach((v, i) => placeholder(`variable_${i}`, v.dtype, [...v.shape]));
  trace.consts.forEach((c, i) => {
    const tensor = new proto['Tensor']();
    tensor.setDtype(backend.getDTypeInteger(c.dtype));
    tensor.setTensorShape(tensorShape(c.shape));
    tensor.setTensorContent(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    node(
      `const_${i}`,
      'Const',
      [],
      [
        ['dtype', attr((a) => a.setType(backend.getDTypeInteger(c.dtype)))],
        ['value', attr((a) => a.setTensor(tensor))],
      ],
    );
  });
  trace.ops.forEach((op, i) =>
    node(
      `op_${i}`,
      op.op,
      op.inputs,
      op.attrs.map((a) => [a.name, attrValue(backend.binding, op.op, a)]),
    ),
  );
  return graph;
}

function savedModel(graph: Proto): Uint8Array {
  const info = new proto['MetaGraphDef'].MetaInfoDef();
  info.setTagsList(['serve']);
  const meta = new proto['MetaGraphDef']();
  meta.setMetaInfoDef(info);
  meta.setGraphDef(graph);
  const model = new proto['SavedModel']();
  model.setSavedModelSchemaVersion(1);
  model.setMetaGraphsList([meta]);
  return model.serializeBinary() as Uint8Array;
}

function attr(set: (value: Proto) => void): Proto {
  const value = new proto['AttrValue']();
  set(value);
  return value;
}

function attrValue(types: AttrTypes, op: string, { name, type, value }: OpAttr): Proto {
  if (type === types.TF_ATTR_SHAPE) return attr((a) => a.setShape(tensorShape(value as number[])));
  const setters: Record<number, [string, (v: unknown) => unknown]> = {
    [types.TF_ATTR_STRING]: ['S', (v) => new TextEncoder().encode(String(v))],
    [types.TF_ATTR_INT]: ['I', Number],
    [types.TF_ATTR_FLOAT]: ['F', Number],
    [types.TF_ATTR_BOOL]: ['B', Boolean],
    [types.TF_ATTR_TYPE]: ['Type', Number],
  };
  const setter = setters[type];
  if (!setter) throw new Error(`op ${op}: attribute ${name} has a type (${type}) a graph cannot hold`);
  const [field, convert] = setter;
  if (!Array.isArray(value)) return attr((a) => a[`set${field}`](convert(value)));
  const list = new proto['AttrValue'].ListValue();
  list[`set${field}List`](value.map(convert));
  return attr((a) => a.setList(list));
}

function tensorShape(shape: readonly number[]): Proto {
  const result = new proto['TensorShape']();
  result.setDimList(
    shape.map((size) => {
      const dim = new proto['TensorShape'].Dim();
      dim.setSize(size);
      return dim;
    }),
  );
  return result;
}
