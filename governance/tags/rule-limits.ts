// Bounds on what a tag rule may cost, checked on its syntax tree before it ever runs. CEL has no loops
// or recursion, but three things can still make one rule eat a worker: a backtracking regular
// expression (`.matches("(a+)+$")` took 22 s on 30 characters in V8), values that double at every
// step (`cel.bind` re-using a list in `l + l`), and comprehensions nested over big lists. Rules may
// therefore call only the functions listed here, iterate only over list literals, and must stay under
// a static cost: every node counts 1, a comprehension's body counts once per element it can visit.

/** The parser's own structural limits (cel-js `limits`). */
export const PARSE_LIMITS = {
  maxAstNodes: 400,
  maxDepth: 32,
  maxListElements: 100,
  maxMapEntries: 50,
  maxCallArguments: 8,
} as const;

/** Characters, checked before parsing: a 1 MB expression is refused without reading it. */
export const MAX_RULE_LENGTH = 4000;

/** Static cost (nodes, comprehension bodies times their iterations) a rule may reach. */
export const MAX_RULE_COST = 20_000;

/** Functions and methods a rule may call; everything else is refused with this list. */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  'size',
  'contains',
  'startsWith',
  'endsWith',
  'indexOf',
  'lastIndexOf',
  'substring',
  'trim',
  'lowerAscii',
  'upperAscii',
  'int',
  'uint',
  'double',
  'string',
  'bool',
  'timestamp',
  'duration',
  'has',
  'all',
  'exists',
  'exists_one',
  'map',
  'filter',
  'getFullYear',
  'getMonth',
  'getDayOfMonth',
  'getDayOfWeek',
  'getDayOfYear',
  'getHours',
  'getMinutes',
]);

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** A refusal at a character offset of the expression. */
export class RuleLimitError extends Error {
  override readonly name = 'RuleLimitError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** The parts of a cel-js syntax node this check reads. */
export interface AstNode {
  op: string;
  args: unknown;
  start: number;
  end?: number;
  /** The whole expression (cel-js keeps it on every node). */
  input?: string;
}

/** Where a call's name is written: after its receiver for a method (`name.matches(...)` points at `matches`). */
function nameOffset(node: AstNode, name: string, receiver: AstNode | undefined): number {
  if (!receiver || receiver.end === undefined || !node.input) return node.start;
  const at = node.input.indexOf(name, receiver.end);
  return at === -1 ? node.start : at;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).op === 'string' && typeof (value as AstNode).start === 'number';
}

/** Child nodes in source order: args are a node, a list of nodes, or (maps) a list of [key, value] pairs. */
export function childrenOf(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const visit = (value: unknown) => {
    if (isNode(value)) out.push(value);
    else if (Array.isArray(value)) for (const v of value) visit(v);
  };
  visit(node.args);
  return out;
}

/** The most elements a list-valued node can hold, when that is known from the syntax alone. */
function listBound(node: AstNode): number | undefined {
  if (node.op === 'list') return childrenOf(node).length;
  if (node.op === 'rcall') {
    const [name, receiver] = node.args as [string, AstNode];
    if ((name === 'map' || name === 'filter') && isNode(receiver)) return listBound(receiver);
  }
  return undefined;
}

/** The static cost of a node; throws RuleLimitError on a call that is not allowed or an unbounded comprehension. */
function cost(node: AstNode): number {
  if (node.op === 'call' || node.op === 'rcall') {
    const name = (node.args as unknown[])[0] as string;
    const receiver = node.op === 'rcall' ? ((node.args as unknown[])[1] as AstNode) : undefined;
    const args = ((node.args as unknown[])[node.op === 'rcall' ? 2 : 1] as AstNode[]) ?? [];
    if (receiver?.op === 'id' && receiver.args === 'cel')
      throw new RuleLimitError(`cel.${name} is not available in tag rules`, nameOffset(node, name, receiver));
    if (!ALLOWED_FUNCTIONS.has(name)) {
      throw new RuleLimitError(
        `function ${name}() is not available in tag rules (available: ${[...ALLOWED_FUNCTIONS].join(', ')})`,
        nameOffset(node, name, receiver),
      );
    }
    if (receiver && COMPREHENSIONS.has(name)) {
      const bound = listBound(receiver);
      if (bound === undefined)
        throw new RuleLimitError(`${name}() may only iterate over a list written in the rule, e.g. [1, 2, 3].${name}(...)`, nameOffset(node, name, receiver));
      return 1 + cost(receiver) + bound * args.reduce((n, a) => n + cost(a), 0);
    }
    return 1 + (receiver ? cost(receiver) : 0) + args.reduce((n, a) => n + cost(a), 0);
  }
  if (node.op === 'id' && node.args === 'cel') throw new RuleLimitError('cel.* is not available in tag rules', node.start);
  return 1 + childrenOf(node).reduce((n, c) => n + cost(c), 0);
}

/** Checks a parsed rule against the limits and returns its static cost. */
export function checkRuleCost(root: AstNode): number {
  const total = cost(root);
  if (total > MAX_RULE_COST)
    throw new RuleLimitError(`the rule is too expensive: static cost ${total} exceeds ${MAX_RULE_COST} (nested comprehensions over long lists?)`, root.start);
  return total;
}

/** The identifiers a rule reads (its fields, and comprehension variables), in order of appearance. */
export function identifiersOf(root: AstNode): string[] {
  const seen = new Set<string>();
  const walk = (node: AstNode) => {
    if (node.op === 'id' && typeof node.args === 'string') seen.add(node.args);
    for (const c of childrenOf(node)) walk(c);
  };
  walk(root);
  return [...seen];
}
