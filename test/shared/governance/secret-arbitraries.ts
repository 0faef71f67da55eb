/** fast-check generators of secrets in every format redact.ts knows, shared by the redaction and audit tests. */
import fc from 'fast-check';
import { passesLuhn } from '../../../shared/governance/secret-patterns.js';

/** Strings of ASCII letters and digits. */
export const alnum = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: min, maxLength: max });
const upperDigits = (n: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), minLength: n, maxLength: n });
const b64url = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: min, maxLength: max });

/** A card number with a valid Luhn check digit, grouped by four with `sep`. */
function luhnCard(body: string, sep: string): string {
  for (let check = 0; check <= 9; check++) {
    const digits = body + String(check);
    if (passesLuhn(digits)) return digits.match(/.{1,4}/g)!.join(sep);
  }
  throw new Error('unreachable');
}

/** Secret generators: each yields `{ text, secret }` where `secret` must never survive redaction. */
export const secrets = fc.oneof(
  alnum(36, 36).chain((t) => fc.constantFrom('ghp_', 'gho_', 'ghs_').map((p) => ({ text: p + t, secret: t }))),
  b64url(60, 82).map((t) => t.replace(/-/g, 'x')).map((t) => ({ text: `github_pat_${t}`, secret: t })),
  upperDigits(16).map((t) => ({ text: `AKIA${t}`, secret: `AKIA${t}` })),
  alnum(24, 40).map((t) => ({ text: `xoxb-${t}`, secret: t })),
  alnum(24, 40).map((t) => ({ text: `sk_live_${t}`, secret: t })),
  b64url(35, 35).map((t) => ({ text: `AIza${t}`, secret: t })),
  alnum(36, 36).map((t) => ({ text: `npm_${t}`, secret: t })),
  fc.tuple(b64url(10, 30), b64url(10, 60), b64url(16, 43)).map(([h, p, s]) => ({ text: `eyJ${h}.eyJ${p}.${s}`, secret: `${p}.${s}` })),
  alnum(40, 64).map((t) => ({ text: `-----BEGIN RSA PRIVATE KEY-----\n${t}\n-----END RSA PRIVATE KEY-----`, secret: t })),
  alnum(16, 40).map((t) => ({ text: `Authorization: Bearer ${t}`, secret: t })),
  alnum(16, 40).map((t) => ({ text: `authorization: token ${t}`, secret: t })),
  alnum(16, 40).map((t) => ({ text: `password=${t}`, secret: t })),
  alnum(16, 40).map((t) => ({ text: `"apiKey": "${t}"`, secret: t })),
  alnum(16, 40).map((t) => ({ text: `DB_SECRET: ${t}`, secret: t })),
  alnum(16, 40).map((t) => ({ text: `https://deploy:${t}@example.com/repo.git`, secret: t })),
  alnum(12, 20).map((t) => ({ text: `${t}@example.com`, secret: `${t}@example.com` })),
  fc
    .tuple(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 14, maxLength: 14 }), fc.constantFrom(' ', '-', ''))
    .map(([body, sep]) => {
      const card = luhnCard(`4${body}`, sep);
      return { text: card, secret: card };
    }),
);

/** Filler that may sit around a secret: any text, but ending/starting with a separator. */
export const filler = fc.string({ maxLength: 40 }).map((s) => s.replace(/-----BEGIN/g, ''));
