/**
 * The GitHub App JWT (RS256), as GitHub checks it before issuing installation tokens:
 * signature against the app's public key, `iss` = the app id, `iat` not in the future, `exp` in the
 * future and at most ten minutes after `iat`.
 */
import { createSign, createVerify, type KeyObject } from 'node:crypto';

/** Clock skew GitHub tolerates on `iat`, in seconds. */
const SKEW_S = 60;
/** GitHub rejects JWTs that live longer than ten minutes. */
const MAX_LIFETIME_S = 600;

/** Why a JWT was refused, or the app id it was issued for. */
export type AppJwtResult = { ok: true; appId: string } | { ok: false; reason: string };

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs an app JWT the way `universal-github-app-jwt` does (iat 30 s in the past); tests forge bad ones with the overrides. */
export function signAppJwt(
  privateKey: string | KeyObject,
  appId: string | number,
  claims: { iat?: number; exp?: number; iss?: string | number } = {},
  now = Math.floor(Date.now() / 1000),
): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ iat: claims.iat ?? now - 30, exp: claims.exp ?? now + 540, iss: claims.iss ?? appId }),
  );
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  return `${header}.${payload}.${b64url(signature)}`;
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies an app JWT against the app's public key and id. Never throws: bad input is a refusal with a reason. */
export function verifyAppJwt(
  token: string,
  publicKey: string | KeyObject,
  appId: string | number,
  now = Math.floor(Date.now() / 1000),
): AppJwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'A JSON web token could not be decoded' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJson(headerPart);
  const payload = parseJson(payloadPart);
  if (!header || !payload) return { ok: false, reason: 'A JSON web token could not be decoded' };
  if (header.alg !== 'RS256') return { ok: false, reason: `'alg' must be RS256, got ${String(header.alg)}` };
  let valid: boolean;
  try {
    valid = createVerify('RSA-SHA256')
      .update(`${headerPart}.${payloadPart}`)
      .verify(publicKey, Buffer.from(signaturePart, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'JWT signature does not match the app public key' };
  const { iss, iat, exp } = payload;
  if (String(iss) !== String(appId)) return { ok: false, reason: `'iss' claim ${String(iss)} is not app ${appId}` };
  if (typeof iat !== 'number' || typeof exp !== 'number') {
    return { ok: false, reason: "'iat' and 'exp' claims must be numbers" };
  }
  if (iat > now + SKEW_S) return { ok: false, reason: "'Issued at' claim ('iat') must be an Integer representing a time in the past" };
  if (exp <= now) return { ok: false, reason: "'Expiration time' claim ('exp') is too far in the past" };
  if (exp - iat > MAX_LIFETIME_S + SKEW_S) {
    return { ok: false, reason: "'Expiration time' claim ('exp') is too far in the future" };
  }
  return { ok: true, appId: String(appId) };
}
