/**
 * Reading a property of undefined/null: JavaScript in every engine's wording, Python's `None`,
 * Java's NullPointerException (with JDK 14+ "helpful" messages).
 */
import {
  baseOf,
  findCalls,
  findPropertyAccesses,
  inlineCode,
  lastName,
  optionalAccess,
  pickAccess,
  receiverBefore,
  shapeOf,
} from '../code-line.js';
import type { FixRule, RuleContext, RuleOutcome } from '../fix-rule.js';

/** Indexes of the engine-specific patterns of {@link undefinedProperty}. */
const SAFARI = 3;
const FIREFOX_BARE = 5;

/** Where a nullish receiver most often comes from, by its shape. */
function whyMissing(receiver: string, value: string): string {
  const name = lastName(receiver);
  switch (shapeOf(receiver)) {
    case 'call':
      return `check why ${inlineCode(name ?? receiver)} returns ${value} for this input (a missing \`return\`, a lookup that found nothing, or a promise not awaited)`;
    case 'index': {
      const base = baseOf(receiver);
      return base !== undefined
        ? `check that ${inlineCode(base)} has an element at that index (empty array, wrong key, or off by one)`
        : `check that the indexed element exists`;
    }
    case 'identifier':
      return `check why ${inlineCode(receiver)} is ${value} (not passed, not assigned yet, or a promise not awaited)`;
    default:
      return name !== undefined ? `check why ${inlineCode(name)} is missing` : `check why it is ${value}`;
  }
}

/** The concrete advice for "`receiver` is undefined where `.prop` is read". */
function guardAdvice(receiver: string, prop: string, value: string, verb: 'read' | 'set'): string {
  if (verb === 'set') {
    return `${inlineCode(receiver)} is ${value} here, so ${inlineCode(`.${prop}`)} cannot be assigned; create it first (${inlineCode(`${receiver} ??= {}`)}) or ${whyMissing(receiver, value)}.`;
  }
  const shape = shapeOf(receiver);
  const subject = shape === 'call' ? `${inlineCode(receiver)} returned ${value}` : `${inlineCode(receiver)} is ${value} here`;
  return `${subject}; guard with ${inlineCode(optionalAccess(receiver, prop))} or ${whyMissing(receiver, value)}.`;
}

function propertyOfNullish(ctx: RuleContext): RuleOutcome | undefined {
  const g = ctx.groups;
  const value = g.value ?? 'undefined';
  const verb: 'read' | 'set' = g.set !== undefined ? 'set' : 'read';
  // Safari and Firefox name the expression; V8 names the property only.
  if (g.expr !== undefined && g.prop === undefined) {
    const expr = g.expr;
    const dot = Math.max(expr.lastIndexOf('.'), expr.lastIndexOf('['));
    if (ctx.pattern === SAFARI && dot > 0) {
      const receiver = expr.slice(0, dot).replace(/\?$/, '');
      const prop = expr.slice(dot).replace(/^\.|^\[['"]?|['"]?\]$/g, '');
      return { detail: guardAdvice(receiver, prop, value, verb), confidence: 0.9 };
    }
    // Firefox `user.profile is undefined`: the code line says which property is read from it.
    const access = ctx.codeLine !== undefined ? firstAccessOf(ctx.codeLine, expr) : undefined;
    if (access !== undefined) return { detail: guardAdvice(expr, access, value, verb), confidence: 0.85 };
    return {
      detail: `${inlineCode(expr)} is ${value} where it is used as an object; guard it (${inlineCode(`${expr}?.…`)}) or ${whyMissing(expr, value)}.`,
      confidence: ctx.pattern === FIREFOX_BARE ? 0.6 : 0.8,
    };
  }
  const prop = g.prop;
  if (prop === undefined) return undefined;
  const knownReceiver = g.expr;
  if (knownReceiver !== undefined) return { detail: guardAdvice(knownReceiver, prop, value, verb), confidence: 0.9 };
  const access = ctx.codeLine !== undefined ? pickAccess(findPropertyAccesses(ctx.codeLine, prop), ctx.fault?.column) : undefined;
  if (access !== undefined) {
    const others = ctx.codeLine !== undefined ? findPropertyAccesses(ctx.codeLine, prop).filter((a) => a.receiver !== access.receiver) : [];
    const also = others.length > 0 ? ` (the line also reads ${inlineCode(`.${prop}`)} from ${others.map((o) => inlineCode(o.receiver)).join(', ')})` : '';
    return { detail: guardAdvice(access.receiver, prop, value, verb) + also, confidence: 0.95 };
  }
  const shown = /^\d{1,10}$/.test(prop) ? `[${prop}]` : `.${prop}`;
  return {
    detail: `A value is ${value} where ${inlineCode(shown)} is ${verb === 'set' ? 'assigned' : 'read'} at this line: find the expression ending in ${inlineCode(shown)}, guard it with ${inlineCode(`?${shown.startsWith('[') ? '.' : ''}${shown}`)} or make sure the object is set before this line.`,
  };
}

/** The property read from `expr` on the line (`name` for `user.profile` in `user.profile.name`). */
function firstAccessOf(line: string, expr: string): string | undefined {
  let from = 0;
  while (from < line.length) {
    const index = line.indexOf(expr, from);
    if (index < 0) return undefined;
    from = index + 1;
    const rest = line.slice(index + expr.length);
    const m = /^\??\.([\p{L}_$][\p{L}\p{N}_$]{0,100})|^\??\.?\[(\d{1,10})\]/u.exec(rest);
    if (m !== null) return m[1] ?? m[2];
  }
  return undefined;
}

function destructure(ctx: RuleContext): RuleOutcome | undefined {
  const value = ctx.groups.value ?? 'undefined';
  const prop = ctx.groups.prop;
  let source = ctx.groups.source;
  if ((source === undefined || source === 'undefined' || source === 'null') && ctx.codeLine !== undefined) {
    const m = /[}\]]\s{0,10}=\s{0,10}([^;,=]{1,200})/.exec(ctx.codeLine);
    source = m?.[1]?.trim();
  }
  const pattern = prop !== undefined ? `{ ${prop} }` : 'the pattern';
  if (source !== undefined && source !== 'undefined' && source !== 'null') {
    return {
      detail: `${inlineCode(source)} is ${value}, so ${inlineCode(pattern)} cannot be destructured from it; default it (${inlineCode(`const ${pattern} = ${source} ?? {}`)}) or ${whyMissing(source, value)}.`,
      confidence: 0.9,
    };
  }
  return {
    detail: `The value destructured into ${inlineCode(pattern)} is ${value}: when it is a parameter, the function was called without that argument — give it a default (${inlineCode(`(${pattern} = {}) =>`)}); otherwise default the source with ${inlineCode('?? {}')}.`,
  };
}

/** JavaScript: a property read from or written to undefined/null, in V8, JavaScriptCore and SpiderMonkey wording. */
export const undefinedProperty: FixRule = {
  id: 'undefined-property',
  title: 'Property read from undefined or null',
  covers: "V8 `Cannot read properties of undefined (reading 'x')`, `Cannot set properties of null`, older `Cannot read property 'x' of undefined`, Safari `undefined is not an object (evaluating 'a.b')`, Firefox `a.b is undefined` / `can't access property`",
  confidence: 0.9,
  matcher: {
    errorType: /TypeError$/,
    message: [
      /Cannot (?:read|(?<set>set)) properties of (?<value>undefined|null) \((?:reading|setting) '(?<prop>[^'\n]{1,200})'\)/,
      /Cannot (?:read|(?<set>set)) property '(?<prop>[^'\n]{1,200})' of (?<value>undefined|null)/,
      /can't access property "(?<prop>[^"\n]{1,200})", (?<expr>[^\s,]{1,200}) is (?<value>undefined|null)/,
      /(?<value>undefined|null) is not an object \(evaluating '(?<expr>[^'\n]{1,300})'\)/,
      /(?<expr>[\p{L}_$][\p{L}\p{N}_$.[\]'"?]{0,200}) has no properties/u,
      /^TypeError: (?<expr>[\p{L}_$][\p{L}\p{N}_$.[\]'"?]{0,200}) is (?<value>undefined|null)$/mu,
    ],
  },
  suggest: (ctx) => {
    if (ctx.pattern === 4) return propertyOfNullish({ ...ctx, groups: { ...ctx.groups, value: 'null or undefined' } });
    return propertyOfNullish(ctx);
  },
};

/** JavaScript: destructuring undefined/null. */
export const destructureNullish: FixRule = {
  id: 'destructure-undefined',
  title: 'Destructuring undefined or null',
  covers: "V8 `Cannot destructure property 'a' of 'b' as it is undefined`, `Cannot destructure 'x' as it is null`",
  confidence: 0.85,
  matcher: {
    errorType: /TypeError$/,
    message: [
      /Cannot destructure property '(?<prop>[^'\n]{1,200})' of '(?<source>[^'\n]{1,200})' as it is (?<value>undefined|null)/,
      /Cannot destructure '(?<source>[^'\n]{1,200})' as it is (?<value>undefined|null)/,
    ],
  },
  suggest: destructure,
};

/** Python: attribute or item of None. */
export const noneAttribute: FixRule = {
  id: 'none-attribute',
  title: 'Attribute read from None',
  covers: "Python `AttributeError: 'NoneType' object has no attribute 'x'`, `TypeError: 'NoneType' object is not subscriptable`",
  confidence: 0.9,
  matcher: {
    message: [
      /'NoneType' object has no attribute '(?<prop>[^'\n]{1,200})'/,
      /'NoneType' object is not subscriptable/,
    ],
  },
  suggest: (ctx) => {
    const prop = ctx.groups.prop;
    const line = ctx.codeLine;
    if (prop !== undefined) {
      const access = line !== undefined ? pickAccess(findPropertyAccesses(line, prop), ctx.fault?.column) : undefined;
      if (access !== undefined) {
        const name = lastName(access.receiver);
        const origin = shapeOf(access.receiver) === 'call' ? `${inlineCode(access.receiver)} returned None` : `${inlineCode(access.receiver)} is None here`;
        return {
          detail: `${origin}; check ${inlineCode(`if ${access.receiver} is not None:`)} before reading ${inlineCode(`.${prop}`)}, or find why ${inlineCode(name ?? access.receiver)} is None (a function without \`return\`, a lookup like \`dict.get\` or \`re.match\` that found nothing).`,
          confidence: 0.95,
        };
      }
      return {
        detail: `A value is None where its attribute ${inlineCode(prop)} is read at this line: find the expression ending in ${inlineCode(`.${prop}`)} and check it for None first (a function without \`return\`, or \`dict.get\`/\`re.match\` that found nothing).`,
      };
    }
    const indexed = line !== undefined ? /([\p{L}_][\p{L}\p{N}_.]{0,100})\[/u.exec(line)?.[1] : undefined;
    return {
      detail:
        indexed !== undefined
          ? `${inlineCode(indexed)} is None where it is indexed; check ${inlineCode(`if ${indexed} is not None:`)} or find why it is None (a function without \`return\`, a failed lookup).`
          : 'A value is None where it is indexed with `[…]` at this line: check it for None first, or find why it is None (a function without `return`, a failed lookup).',
    };
  },
};

/** Java: NullPointerException, naming the null expression when the JVM does. */
export const nullPointer: FixRule = {
  id: 'null-pointer',
  title: 'NullPointerException',
  covers: 'Java `NullPointerException`, including JDK 14+ messages `Cannot invoke "X.m()" because "<expr>" is null`',
  confidence: 0.9,
  matcher: {
    errorType: /NullPointerException$/,
    message: [
      /Cannot (?<action>invoke|read field|assign field|load from [a-z]{1,10} array|store to [a-z]{1,10} array|read the array length|throw exception|enter synchronized block)(?: "(?<member>[^"\n]{1,200})")? because (?<ret>the return value of )?"(?<expr>[^"\n]{1,200})" is null/,
      /java\.lang\.NullPointerException/,
    ],
  },
  suggest: (ctx) => {
    const { action, member, ret, expr } = ctx.groups;
    const line = ctx.codeLine;
    const methodName = member?.replace(/\(.*$/, '').split('.').pop();
    let subject = expr;
    if (ret === undefined && line !== undefined && (subject === undefined || /^<local\d+>$/.test(subject))) {
      // `<local1>`: compiled without -g; the code line shows which variable it is.
      const at = methodName !== undefined ? line.indexOf(`.${methodName}`) : -1;
      subject = at > 0 ? (receiverBefore(line, at) ?? subject) : subject;
    }
    if (subject === undefined) {
      // A plain NPE names nothing: every receiver of a method call on the line is a candidate.
      const receivers = [...new Set((line !== undefined ? findCalls(line) : []).filter((c) => c.callee.includes('.')).map((c) => c.callee.slice(0, c.callee.lastIndexOf('.'))))].filter((r) => r.length > 0 && !/^[A-Z]/.test(r));
      if (receivers.length === 0) return undefined;
      const first = receivers[0] as string;
      return receivers.length === 1
        ? { detail: `${inlineCode(first)} is probably null where its method is called; check it (\`if (${first} != null)\`, \`Objects.requireNonNull\`) or find why it was never set.`, confidence: 0.6 }
        : { detail: `One of ${receivers.map((r) => inlineCode(r)).join(', ')} is null where its method is called on this line: check each (or run on JDK 14+, whose message names it) and handle the null (a check, \`Optional\`, or a default).`, confidence: 0.55 };
    }
    const use = action === 'invoke' && member !== undefined ? `calling ${inlineCode(member)}` : `${action ?? 'using it'}${member !== undefined ? ` ${inlineCode(member)}` : ''}`;
    if (ret !== undefined) {
      return {
        detail: `${inlineCode(subject)} returned null, and the result is used for ${use}; handle the null result (a null check, \`Optional\`, or a default) or make ${inlineCode(subject.replace(/\(.*$/, ''))} never return null.`,
        confidence: 0.95,
      };
    }
    return {
      detail: `${inlineCode(subject)} is null when ${use}; check it first (\`if (${subject} != null)\`, \`Objects.requireNonNull(${subject}, "…")\`) or find why it was never assigned.`,
      confidence: /^<local\d+>$/.test(subject) ? 0.8 : 0.95,
    };
  },
};

/** The rules of this file, in knowledge-base order. */
export const NULLISH_RULES: readonly FixRule[] = [undefinedProperty, destructureNullish, noneAttribute, nullPointer];
