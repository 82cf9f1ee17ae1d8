/**
 * Constant folding of generated WAT (folded S-expressions), so that kernels whose memory layout is known when they
 * are generated address their arrays with immediate offsets: `(v128.load (i32.add (i32.const K) (local.get $p)))`
 * becomes `(v128.load offset=K (local.get $p))`, one machine instruction instead of an add and a load. Folds i32
 * add/sub/mul/shl/shr_u of constants, gathers the constant terms of nested additions, and moves a non-negative
 * constant term of a load's or store's address into its offset (the same address: the kernels' addresses are far
 * below 2³², so the i32 addition never wraps).
 */

type Node = string | Node[];

function parse(text: string): Node[] {
  const tokens = text.replace(/;;[^\n]*/g, '').match(/\(|\)|[^\s()]+/g) ?? [];
  const stack: Node[][] = [[]];
  for (const t of tokens) {
    if (t === '(') stack.push([]);
    else if (t === ')') {
      const done = stack.pop()!;
      stack[stack.length - 1].push(done);
    } else stack[stack.length - 1].push(t);
  }
  if (stack.length !== 1) throw new Error('fold: unbalanced parentheses in generated WAT');
  return stack[0];
}

const print = (n: Node): string => (typeof n === 'string' ? n : `(${n.map(print).join(' ')})`);

const constOf = (n: Node): number | null => (Array.isArray(n) && n[0] === 'i32.const' && n.length === 2 ? Number(n[1]) : null);
const konst = (v: number): Node => ['i32.const', String(v | 0)];

const MEMORY_OPS = /^(v128|f64|f32|i32|i64)\.(load|store)(8|16|32|8_u|8_s|16_u|16_s|32_u|32_s|64_zero|32_zero)?$/;

/** The terms of a tree of i32.add: constants summed, the rest in order. */
function addTerms(n: Node, terms: Node[], sum: { k: number }): void {
  if (Array.isArray(n) && n[0] === 'i32.add' && n.length === 3) {
    addTerms(n[1], terms, sum);
    addTerms(n[2], terms, sum);
    return;
  }
  const c = constOf(n);
  if (c !== null) sum.k += c;
  else terms.push(n);
}

const BINARY: Record<string, (a: number, b: number) => number> = {
  'i32.add': (a, b) => a + b,
  'i32.sub': (a, b) => a - b,
  'i32.mul': (a, b) => Math.imul(a, b),
  'i32.shl': (a, b) => a << (b & 31),
  'i32.shr_u': (a, b) => a >>> (b & 31),
};

function fold(n: Node): Node {
  if (typeof n === 'string') return n;
  const m = n.map(fold);
  const op = m[0];
  if (typeof op !== 'string') return m;
  if (op in BINARY && m.length === 3) {
    const a = constOf(m[1]);
    const b = constOf(m[2]);
    if (a !== null && b !== null) return konst(BINARY[op](a, b));
  }
  if (op === 'i32.add' && m.length === 3) {
    const terms: Node[] = [];
    const sum = { k: 0 };
    addTerms(m, terms, sum);
    if (terms.length === 0) return konst(sum.k);
    let out = terms[0];
    for (let i = 1; i < terms.length; i++) out = ['i32.add', out, terms[i]];
    return sum.k === 0 ? out : ['i32.add', konst(sum.k), out];
  }
  if (MEMORY_OPS.test(op)) {
    // (op [offset=a] [align=b] address [value]): the address is the first non-attribute operand.
    const at = m.findIndex((x, i) => i > 0 && typeof x !== 'string');
    const addr = m[at];
    if (at > 0 && Array.isArray(addr) && addr[0] === 'i32.add' && addr.length === 3) {
      const k = constOf(addr[1]);
      if (k !== null && k >= 0) {
        const attrs = m.slice(1, at) as string[];
        const old = attrs.find((a) => a.startsWith('offset='));
        const offset = k + (old ? Number(old.slice(7)) : 0);
        return [op, `offset=${offset}`, ...attrs.filter((a) => !a.startsWith('offset=')), addr[2], ...m.slice(at + 1)];
      }
    }
  }
  return m;
}

/** `text` with its constant i32 arithmetic folded and constant address terms moved into memory offsets. */
export function foldWat(text: string): string {
  return parse(text).map(fold).map(print).join('\n');
}
