/**
 * Scopes of the JavaScript taint analysis: a chain of variable maps, one per function (and one per
 * guarded branch), plus what the analysis learns about the enclosing function as it walks it.
 */
import type { SyntaxNode } from '../../parsing/lift-tree.js';
import type { Value } from '../taint.js';

/** What the analysis records about one function while walking it. */
export interface FunctionContext {
  readonly node: SyntaxNode | undefined;
  /** The function's own name, or the name it was assigned to; undefined for anonymous callbacks. */
  readonly name: string | undefined;
  /** The nearest named function: callbacks inside it share its recursion and path-walk facts. */
  readonly owner: FunctionContext;
  /** Join of every returned value. */
  returns: Value;
  /** True once a `return` statement was seen. */
  returned: boolean;
  /** Variables initialised with Object.create(null). */
  readonly nullProto: Set<string>;
}

/** Creates a function context. An anonymous callback's owner is the enclosing named function. */
export function functionContext(node: SyntaxNode | undefined, name: string | undefined, parent: FunctionContext | undefined): FunctionContext {
  const ctx: { -readonly [K in keyof FunctionContext]: FunctionContext[K] } = {
    node,
    name,
    owner: undefined as unknown as FunctionContext,
    returns: undefined,
    returned: false,
    nullProto: new Set(),
  };
  ctx.owner = name !== undefined || !parent ? ctx : parent.owner;
  return ctx;
}

/** A variable scope. Keys are identifiers or member paths (`opts.cmd`, `this.file`). */
export class Scope {
  private readonly vars = new Map<string, Value>();

  constructor(
    readonly parent: Scope | undefined,
    readonly fn: FunctionContext,
  ) {}

  /** Finds the scope that defines a key. */
  owner(key: string): Scope | undefined {
    if (this.vars.has(key)) return this;
    return this.parent?.owner(key);
  }

  /** True when some scope in the chain defines the key. */
  has(key: string): boolean {
    return this.owner(key) !== undefined;
  }

  /** The value of a key (undefined both for clean and for unknown: use {@link has} to tell). */
  get(key: string): Value {
    return this.owner(key)?.vars.get(key);
  }

  /** Declares a key in this scope. */
  declare(key: string, value: Value): void {
    this.vars.set(key, value);
  }

  /** Assigns to the scope that defines the key, or declares it here. */
  assign(key: string, value: Value): void {
    (this.owner(key) ?? this).vars.set(key, value);
  }

  /** A child scope in the same function (a guarded branch): shadows keys without touching the parent. */
  branch(): Scope {
    return new Scope(this, this.fn);
  }
}
