/**
 * A small arithmetic language, parsed by recursive descent and evaluated on the parse tree: no
 * `eval`, no `Function`, nothing the page's CSP would refuse, and nothing but arithmetic reachable.
 *
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/' | '%') unary)*
 *   unary   := ('+' | '-') unary | power
 *   power   := call ('^' unary)?          (right-associative; -2^2 = -4 as in mathematics)
 *   call    := name '(' expr (',' expr)* ')' | name | number | '(' expr ')'
 */

const FUNCTIONS: Record<string, (...args: number[]) => number> = {
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  abs: Math.abs,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
  trunc: Math.trunc,
  sign: Math.sign,
  exp: Math.exp,
  ln: Math.log,
  log: Math.log10,
  log2: Math.log2,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  min: Math.min,
  max: Math.max,
  pow: Math.pow,
  hypot: Math.hypot,
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

export const MAX_EXPRESSION_LENGTH = 1_000;
const MAX_DEPTH = 100;

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
    this.name = 'ExpressionError';
  }
}

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const rest = source.slice(i);
    const num = number.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', value: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', value: name[0].toLowerCase(), at: i });
      i += name[0].length;
      continue;
    }
    if (rest.startsWith('**')) {
      tokens.push({ kind: 'op', value: '^', at: i });
      i += 2;
      continue;
    }
    const op = ch === '×' ? '*' : ch === '÷' ? '/' : ch === '−' ? '-' : ch;
    if ('+-*/%^(),'.includes(op)) {
      tokens.push({ kind: 'op', value: op, at: i });
      i++;
      continue;
    }
    throw new ExpressionError(`Unexpected character "${ch}"`, i);
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

/** Evaluates an arithmetic expression such as `2 * (3 + 4) ^ 2 / sqrt(16)`. */
export function evaluateExpression(source: string): number {
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new ExpressionError(
      `The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
      MAX_EXPRESSION_LENGTH,
    );
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos]!;
  const isOp = (value: string) => {
    const t = peek();
    return t.kind === 'op' && t.value === value;
  };
  const expect = (value: string) => {
    if (!isOp(value)) throw new ExpressionError(`Expected "${value}"`, peek().at);
    pos++;
  };
  const nest = <T>(parse: () => T): T => {
    if (++depth > MAX_DEPTH) throw new ExpressionError('The expression is nested too deeply', peek().at);
    try {
      return parse();
    } finally {
      depth--;
    }
  };

  const expr = (): number =>
    nest(() => {
      let value = term();
      while (isOp('+') || isOp('-')) {
        const op = (tokens[pos++] as { value: string }).value;
        const right = term();
        value = op === '+' ? value + right : value - right;
      }
      return value;
    });
  const term = (): number => {
    let value = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = (tokens[pos++] as { value: string }).value;
      const right = unary();
      value = op === '*' ? value * right : op === '/' ? value / right : value % right;
    }
    return value;
  };
  const unary = (): number =>
    nest(() => {
      if (isOp('-')) {
        pos++;
        return -unary();
      }
      if (isOp('+')) {
        pos++;
        return unary();
      }
      return power();
    });
  const power = (): number => {
    const base = primary();
    if (isOp('^')) {
      pos++;
      return base ** unary();
    }
    return base;
  };
  const primary = (): number => {
    const token = peek();
    if (token.kind === 'number') {
      pos++;
      return token.value;
    }
    if (isOp('(')) {
      pos++;
      const value = expr();
      expect(')');
      return value;
    }
    if (token.kind === 'name') {
      pos++;
      if (isOp('(')) {
        const fn = Object.hasOwn(FUNCTIONS, token.value) ? FUNCTIONS[token.value] : undefined;
        if (!fn) throw new ExpressionError(`Unknown function "${token.value}"`, token.at);
        pos++;
        const args = [expr()];
        while (isOp(',')) {
          pos++;
          args.push(expr());
        }
        expect(')');
        return fn(...args);
      }
      if (Object.hasOwn(CONSTANTS, token.value)) return CONSTANTS[token.value]!;
      throw new ExpressionError(`Unknown name "${token.value}"`, token.at);
    }
    if (token.kind === 'end') throw new ExpressionError('The expression ends too early', token.at);
    throw new ExpressionError(`Unexpected "${token.value}"`, token.at);
  };

  const value = expr();
  if (peek().kind !== 'end')
    throw new ExpressionError(`Unexpected "${(peek() as { value: string }).value}"`, peek().at);
  return value;
}
