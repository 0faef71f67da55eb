/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace, `undefined` members
 * omitted, non-finite numbers as `null`. Two equal values always give the same text, so the text can
 * be hashed; the audit trail writes entries in this form and the verifier insists on it.
 */

/** Renders a JSON-like value canonically. Throws on cycles (audit data is acyclic after redaction). */
export function canonicalJson(value: unknown): string {
  return render(value, new Set());
}

function render(value: unknown, stack: Set<object>): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      break;
    default:
      return 'null';
  }
  const obj = value as object;
  if (stack.has(obj)) throw new TypeError('canonicalJson: cyclic value');
  stack.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((item) => render(item, stack)).join(',')}]`;
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      parts.push(`${JSON.stringify(key)}:${render(member, stack)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    stack.delete(obj);
  }
}
