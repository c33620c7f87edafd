// The route choice's WebAssembly kernels (src/engine/wasm/kernels.ts, built
// by build.mjs into kernels-binary.gen.ts): one instance per ChoiceFlows,
// with a memory of its own in which the flows, the allocator and the Newton
// method lay out every array the kernels read (`Kernels.f64` and kin, views
// on the memory: JavaScript reads and writes the same numbers). The memory is
// sized once, for the network, and never grows, so that the views stay valid.
import { KERNELS_WASM } from './kernels-binary.gen.js';

/** What the module exports: the functions, and the globals that hold each array's address. */
interface Exports {
  heapBase(): number;
  loadsOf(x: number, load: number): void;
  evaluate(lambda: number, grad: number, epsilon: number): number;
  congestLoads(load: number, slope: number, slopeRow: number): void;
  factorSpd(H: number, n: number, L: number): void;
  substitute(L: number, b: number, n: number, z: number, d: number): void;
  dual(lambda: number, exact: number, epsilon: number, maxStep: number, tolerance: number, roughStart: number, maxNewton: number): number;
  timedRows(): number;
  newton(lambda: number, z0: number, tolerance: number, maxSteps: number, maxHalvings: number, epsilon: number, maxStep: number, scale: number, dualTolerance: number, roughStart: number, maxNewton: number): number;
  newtonSteps: WebAssembly.Global;
  expOf(x: number): number;
  logOf(x: number): number;
  power(u: number, beta: number): number;
  sparseSolve(H: number, b: number, n: number, d: number): void;
  [global: string]: unknown;
}

let compiled: WebAssembly.Module | undefined;

/**
 * Compiles the module ahead of the first run where compiling synchronously is
 * not allowed (a browser's main thread refuses modules over 4 KB): the
 * explorer page awaits it before it simulates.
 */
export async function prepareKernels(): Promise<void> {
  compiled ??= await WebAssembly.compile(binary());
}

function binary(): Uint8Array<ArrayBuffer> {
  const text = atob(KERNELS_WASM);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const PAGE = 65536;
/** Arrays whose addresses `address` remembers: more than a year's solve passes to the kernels. */
const KNOWN = 16;

/** An instance of the kernels with a memory of `bytes` for arrays, handed out in order (8-byte aligned). */
export class Kernels {
  readonly exports: Exports;
  readonly buffer: ArrayBuffer;
  private at: number;
  private readonly end: number;

  constructor(bytes: number) {
    compiled ??= new WebAssembly.Module(binary());
    // The module's static data (a few hundred bytes) sits below its heap base: one page covers it.
    const memory = new WebAssembly.Memory({ initial: Math.ceil((bytes + PAGE) / PAGE) });
    const instance = new WebAssembly.Instance(compiled, { env: { memory, pow: Math.pow } });
    this.exports = instance.exports as unknown as Exports;
    this.buffer = memory.buffer;
    this.at = align(this.exports.heapBase());
    this.end = memory.buffer.byteLength;
  }

  private take(bytes: number): number {
    const at = this.at;
    this.at = align(at + bytes);
    if (this.at > this.end) throw new Error(`internal: the route choice's kernels need more than the ${this.end} bytes laid out for them`);
    return at;
  }

  f64(n: number): Float64Array {
    return new Float64Array(this.buffer, this.take(8 * n), n);
  }

  i32(n: number): Int32Array {
    return new Int32Array(this.buffer, this.take(4 * n), n);
  }

  u8(n: number): Uint8Array {
    return new Uint8Array(this.buffer, this.take(n), n);
  }

  /** An array of these values (as `Int32Array.from` and kin). */
  i32From(values: ArrayLike<number>): Int32Array {
    const a = this.i32(values.length);
    a.set(values);
    return a;
  }

  f64From(values: ArrayLike<number>): Float64Array {
    const a = this.f64(values.length);
    a.set(values);
    return a;
  }

  u8From(values: ArrayLike<number>): Uint8Array {
    const a = this.u8(values.length);
    a.set(values);
    return a;
  }

  /** Sets the module's globals of the same names to these arrays' addresses and sizes. */
  point(arrays: Record<string, Float64Array | Int32Array | Uint8Array | number>): void {
    for (const [name, value] of Object.entries(arrays)) {
      const global = this.exports[name];
      if (!(global instanceof WebAssembly.Global)) throw new Error(`internal: the kernels have no array "${name}"`);
      global.value = typeof value === 'number' ? value : this.address(value);
    }
  }

  /**
   * An array's address in the memory (it must be one of this instance's).
   * The last few arrays asked for are remembered by identity: reading a
   * typed array's buffer and offset costs some 30 ns (more than a small
   * kernel's work), comparing references a nanosecond.
   */
  address(a: Float64Array | Int32Array | Uint8Array): number {
    const { known, knownAt } = this;
    for (let i = 0; i < KNOWN; i++) if (known[i] === a) return knownAt[i]!;
    if (a.buffer !== this.buffer) throw new Error("internal: an array outside the route choice's kernel memory");
    const slot = (this.nextSlot = (this.nextSlot + 1) % KNOWN);
    known[slot] = a;
    knownAt[slot] = a.byteOffset;
    return a.byteOffset;
  }

  private readonly known: (object | undefined)[] = new Array<object | undefined>(KNOWN).fill(undefined);
  private readonly knownAt = new Float64Array(KNOWN);
  private nextSlot = 0;

  /** The names of the module's globals still at 0 (none once every array is pointed to). */
  unset(): string[] {
    return Object.entries(this.exports).filter(([, g]) => g instanceof WebAssembly.Global && g.value === 0).map(([name]) => name);
  }
}

const align = (n: number) => Math.ceil(n / 8) * 8;
